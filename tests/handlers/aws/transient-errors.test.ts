import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { ClientException, ServerException } from "@aws-sdk/client-ecs";
import { isTransientAwsError } from "../../../handlers/aws/transient-errors";
import { freePort } from "../../support/godot-process";

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

test("throttling and AWS-side failures are transient", () => {
  expect(
    isTransientAwsError(
      new ProvisionedThroughputExceededException({ message: "slow down", ...metadata(400) }),
    ),
  ).toBe(true);
  expect(isTransientAwsError(new ServerException({ message: "oops", ...metadata(500) }))).toBe(
    true,
  );
});

test("a refused connection, as the real SDK reports it, is transient", async () => {
  const port = await freePort();
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  try {
    const error: unknown = await client
      .send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "x" } } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    expect(isTransientAwsError(error)).toBe(true);
  } finally {
    client.destroy();
  }
});

test("bugs and client mistakes are not transient", () => {
  expect(
    isTransientAwsError(new ConditionalCheckFailedException({ message: "no", ...metadata(400) })),
  ).toBe(false);
  expect(isTransientAwsError(new ClientException({ message: "bad", ...metadata(400) }))).toBe(
    false,
  );
  expect(isTransientAwsError(new TypeError("undefined is not a function"))).toBe(false);
  expect(isTransientAwsError("ECONNREFUSED")).toBe(false);
  expect(isTransientAwsError(undefined)).toBe(false);
});
