import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyCheckout, evaluateInCheckout } from "./program-checkout";

const IMAGE = "docker:index/image:Image";
let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "godot-rooms-checkouts-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test("two checkouts in different folders give the image identical inputs: context, tag and build args", async () => {
  // A laptop and a CI runner: different folders, different depths, same files.
  const laptop = copyCheckout(join(workDir, "home", "ana", "godot-rooms"));
  const ci = copyCheckout(join(workDir, "runner", "work", "repo", "repo"));
  const [fromLaptop, fromCi] = await Promise.all([
    evaluateInCheckout(laptop, "dev", [IMAGE]),
    evaluateInCheckout(ci, "dev", [IMAGE]),
  ]);
  expect(fromLaptop).toHaveLength(1);
  const image = fromLaptop[0].inputs;
  expect(image.build).toEqual({
    context: "godot-image",
    platform: "linux/amd64",
    args: { GODOT_VERSION: "4.6" },
  });
  expect(image.imageName).toMatch(
    /^111122223333\.dkr\.ecr\.us-east-1\.amazonaws\.com\/godot-rooms-dev:[0-9a-f]{16}$/,
  );
  expect(JSON.stringify(image)).not.toContain(workDir);
  expect(fromCi).toEqual(fromLaptop);
}, 120_000);

test("a game pack exported by another Godot than godotVersion stops the program with a clear message", async () => {
  const header = Buffer.alloc(64);
  header.write("GDPC", 0, "latin1");
  [1, 3, 6, 0].forEach((value, i) => header.writeUInt32LE(value, 4 + i * 4)); // Godot 3.6.0
  const checkout = copyCheckout(join(workDir, "with-pack"), {
    "godot-image/game/game.pck": header,
  });
  await expect(evaluateInCheckout(checkout, "dev", [IMAGE])).rejects.toMatchObject({
    stderr: expect.stringContaining(
      'The game pack godot-image/game/game.pck was exported by Godot 3.6.0, but config "godotVersion" is 4.6',
    ),
  });
}, 120_000);
