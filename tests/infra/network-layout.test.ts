import { dedicatedVpcArgs, defaultSubnetFilters, zoneSubnetMask } from "../../infra/network-layout";

test.each([
  ["10.20.0.0/16", 2, 17],
  ["10.20.0.0/20", 2, 21],
  ["10.20.0.0/24", 2, 25],
  ["10.20.0.0/16", 3, 18],
  ["10.20.0.0/16", 4, 18],
  ["10.20.0.0/16", 1, 16],
])("a zone's public subnet of %s over %d zones is a /%d", (cidr, zones, mask) => {
  expect(zoneSubnetMask(cidr, zones)).toBe(mask);
});

test("for every range the config allows (/16 to /24), the two zones' subnets fill the VPC and fit in it", () => {
  for (let prefix = 16; prefix <= 24; prefix++) {
    const mask = zoneSubnetMask(`10.20.0.0/${prefix}`, 2);
    expect(2 * 2 ** (32 - mask)).toBe(2 ** (32 - prefix));
  }
});

test("a range or zone count it cannot split is refused", () => {
  expect(() => zoneSubnetMask("10.20.0.0", 2)).toThrow("cannot split 10.20.0.0 into 2 zones");
  expect(() => zoneSubnetMask("10.20.0.0/16", 0)).toThrow("cannot split 10.20.0.0/16 into 0 zones");
});

test("the dedicated VPC asks awsx for public subnets only, in two zones, with no NAT gateway", () => {
  expect(dedicatedVpcArgs("10.30.0.0/20")).toEqual({
    cidrBlock: "10.30.0.0/20",
    numberOfAvailabilityZones: 2,
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Public", cidrMask: 21 }],
    natGateways: { strategy: "None" },
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });
});

test("the default VPC's subnets are chosen by VPC and default-for-az, not by public-IP mapping", () => {
  expect(defaultSubnetFilters("vpc-0123")).toEqual([
    { name: "vpc-id", values: ["vpc-0123"] },
    { name: "default-for-az", values: ["true"] },
  ]);
});
