import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { startFakeLambda } from "../support/fake-lambda-endpoint";

/**
 * The local Lambda Invoke endpoint the archives tests put behind join_room, driven by the real
 * SDK client: it must answer as Lambda does, or the archive tests would prove nothing.
 */
let lambda: Awaited<ReturnType<typeof startFakeLambda>>;
const events: unknown[] = [];

beforeAll(async () => {
  lambda = await startFakeLambda((name) => {
    if (name === "godot-rooms-dev-api-create-server")
      return async (event) => {
        events.push(event);
        return { result: { statusCode: 200, body: "{}" } };
      };
    if (name === "broken") return async () => ({ error: { name: "TypeError", message: "boom" } });
    return undefined;
  });
});
afterAll(() => lambda.close());

function client() {
  return new LambdaClient({
    endpoint: lambda.endpointFor("join"),
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  });
}

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const text = (bytes?: Uint8Array) => new TextDecoder().decode(bytes);

test("a synchronous invoke runs the function with the event and returns its result, recorded under the caller", async () => {
  const out = await client().send(
    new InvokeCommand({
      FunctionName: "godot-rooms-dev-api-create-server",
      Payload: payload({ a: 1 }),
    }),
  );
  expect(out.StatusCode).toBe(200);
  expect(out.FunctionError).toBeUndefined();
  expect(JSON.parse(text(out.Payload))).toEqual({ statusCode: 200, body: "{}" });
  expect(events).toEqual([{ a: 1 }]);
  // A full ARN names the same function.
  await client().send(
    new InvokeCommand({
      FunctionName:
        "arn:aws:lambda:us-east-1:111122223333:function:godot-rooms-dev-api-create-server",
    }),
  );
  expect(lambda.calls.map((c) => [c.caller, c.input.FunctionName, c.status])).toEqual([
    ["join", "godot-rooms-dev-api-create-server", 200],
    [
      "join",
      "arn:aws:lambda:us-east-1:111122223333:function:godot-rooms-dev-api-create-server",
      200,
    ],
  ]);
});

test("a function that failed answers 200 with X-Amz-Function-Error, as Lambda does", async () => {
  const out = await client().send(new InvokeCommand({ FunctionName: "broken" }));
  expect(out.FunctionError).toBe("Unhandled");
  expect(JSON.parse(text(out.Payload))).toEqual({ errorType: "TypeError", errorMessage: "boom" });
});

test("refusals as Lambda's: an unknown function, a name Lambda's pattern refuses, an async invoke here", async () => {
  await expect(client().send(new InvokeCommand({ FunctionName: "nobody" }))).rejects.toMatchObject({
    name: "ResourceNotFoundException",
    $metadata: { httpStatusCode: 404 },
  });
  await expect(
    client().send(new InvokeCommand({ FunctionName: "x".repeat(171) })),
  ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  await expect(
    client().send(new InvokeCommand({ FunctionName: "bad name!" })),
  ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  await expect(
    client().send(
      new InvokeCommand({
        FunctionName: "godot-rooms-dev-api-create-server",
        InvocationType: "Event",
      }),
    ),
  ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
});
