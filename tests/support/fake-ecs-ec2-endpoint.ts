import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedAwsCall {
  readonly service: "ecs" | "ec2";
  readonly action: string;
  readonly body: unknown;
}

/**
 * A tiny ECS + EC2 endpoint on 127.0.0.1, for the real SDK inside a serialized Lambda
 * (through AWS_ENDPOINT_URL_ECS / _EC2). It records each call and answers RunTask, StopTask and
 * DescribeNetworkInterfaces, and DescribeTasks and ListTasks as a fleet with no tasks of ours would
 * (DescribeTasks gives each task asked for an ENI, `eni-<n>`); anything else is a 400 the SDK
 * turns into an error.
 */
export async function startFakeEcsEc2(taskArn: string, publicIp: string) {
  const calls: RecordedAwsCall[] = [];
  const server: Server = createServer(
    (request, response) =>
      void readBody(request).then((body) => {
        const target = request.headers["x-amz-target"];
        if (
          typeof target === "string" &&
          target.startsWith("AmazonEC2ContainerServiceV20141113.")
        ) {
          const action = target.split(".")[1];
          const input = JSON.parse(body);
          calls.push({ service: "ecs", action, body: input });
          response.setHeader("content-type", "application/x-amz-json-1.1");
          if (action === "RunTask")
            return response.end(
              JSON.stringify({ tasks: [{ taskArn, lastStatus: "PROVISIONING" }], failures: [] }),
            );
          if (action === "StopTask") return response.end(JSON.stringify({ task: { taskArn } }));
          if (action === "ListTasks") return response.end(JSON.stringify({ taskArns: [] }));
          if (action === "DescribeTasks")
            return response.end(
              JSON.stringify({ tasks: describedTasks(input.tasks), failures: [] }),
            );
        } else {
          const params = Object.fromEntries(new URLSearchParams(body));
          calls.push({ service: "ec2", action: params.Action, body: params });
          if (params.Action === "DescribeNetworkInterfaces") {
            response.setHeader("content-type", "text/xml");
            return response.end(
              `<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` +
                `<networkInterfaceSet><item><networkInterfaceId>${params["NetworkInterfaceId.1"]}</networkInterfaceId>` +
                `<association><publicIp>${publicIp}</publicIp></association></item></networkInterfaceSet>` +
                `</DescribeNetworkInterfacesResponse>`,
            );
          }
        }
        response.statusCode = 400;
        response.end(
          JSON.stringify({
            __type: "UnknownOperationException",
            message: "not served by this fake",
          }),
        );
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function describedTasks(taskArns: string[]) {
  return taskArns.map((arn, i) => ({
    taskArn: arn,
    lastStatus: "RUNNING",
    attachments: [
      {
        type: "ElasticNetworkInterface",
        status: "ATTACHED",
        details: [{ name: "networkInterfaceId", value: `eni-${i}` }],
      },
    ],
  }));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
