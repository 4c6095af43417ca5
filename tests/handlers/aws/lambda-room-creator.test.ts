import { lambdaRoomCreator } from "../../../handlers/aws/lambda-room-creator";
import { readHttpRequest } from "../../../handlers/http/http-request";
import { type InvokeOutcome, startFakeLambda } from "../../support/fake-lambda-endpoint";

/**
 * Quick play's creator on AWS: what it sends create_server (the request a player would send,
 * as the HTTP layer reads it) and how it turns each answer into a room or the player's refusal.
 * The SDK is the real Lambda client, against the local Invoke endpoint.
 */
let lambda: Awaited<ReturnType<typeof startFakeLambda>>;
let answer: (event: unknown) => InvokeOutcome;
const received: unknown[] = [];

beforeAll(async () => {
  lambda = await startFakeLambda((name) =>
    name === "create-fn"
      ? async (event) => {
          received.push(event);
          return answer(event);
        }
      : undefined,
  );
  process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.endpointFor("join");
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
  process.env.AWS_SECRET_ACCESS_KEY = "secret";
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  await lambda.close();
});
beforeEach(() => {
  received.length = 0;
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK module, as lambdas.ts loads it
const creator = lambdaRoomCreator(() => require("@aws-sdk/client-lambda"), "create-fn");

const http = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  result: {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  },
});

const ROOM = {
  name: "Brave Otter",
  status: "PROVISIONING",
  port: 7777,
  createdAt: "t",
  updatedAt: "t",
};

test("sends the player's create: POST /create_server?version=, from the player's address, to the API the player reached", async () => {
  answer = () => http(200, { success: true, message: ROOM.name, data: ROOM });
  expect(
    await creator.create({
      version: "1.2",
      client: "198.51.100.60",
      apiUrl: "https://api.example.com/prod",
    }),
  ).toEqual(ROOM);
  const request = readHttpRequest(received[0] as never);
  expect(request).toMatchObject({
    method: "POST",
    path: "/create_server",
    sourceIp: "198.51.100.60",
    apiUrl: "https://api.example.com/prod",
    body: {},
  });
  expect(Object.fromEntries(request.query)).toEqual({ version: "1.2" });
  await creator.create({ apiUrl: "https://abc.execute-api.us-east-1.amazonaws.com" });
  const bare = readHttpRequest(received[1] as never);
  expect(bare.apiUrl).toBe("https://abc.execute-api.us-east-1.amazonaws.com");
  expect(bare.sourceIp).toBeUndefined();
  expect(bare.query.size).toBe(0);
});

test("a refusal reaches the player as create_server gave it: 429 and 503 with Retry-After, 409 as it is", async () => {
  answer = () =>
    http(
      429,
      { success: false, message: "You can have 3 rooms at once.", data: [] },
      { "retry-after": "60" },
    );
  await expect(creator.create({})).rejects.toMatchObject({
    status: 429,
    message: "You can have 3 rooms at once.",
    headers: { "retry-after": "60" },
  });
  answer = () =>
    http(503, { success: false, message: "All servers are busy right now.", data: [] });
  await expect(creator.create({})).rejects.toMatchObject({
    status: 503,
    message: "All servers are busy right now.",
    headers: { "retry-after": "1" },
  });
  answer = () => http(409, { success: false, message: "Taken.", data: [] });
  await expect(creator.create({})).rejects.toMatchObject({
    status: 409,
    message: "Taken.",
    headers: {},
  });
});

test("create_server failing (a function error, a 500, an unreadable answer) is the service being busy: 503", async () => {
  const busy = {
    status: 503,
    code: "Unavailable",
    message: "The room service is busy. Try again in a moment.",
  };
  answer = () => ({ error: { name: "Error", message: "Task timed out after 15.00 seconds" } });
  await expect(creator.create({})).rejects.toMatchObject(busy);
  answer = () =>
    http(500, { success: false, message: "Something went wrong on our side.", data: [] });
  await expect(creator.create({})).rejects.toMatchObject(busy);
  answer = () => http(200, { success: true, message: "no data" });
  await expect(creator.create({})).rejects.toMatchObject(busy);
  answer = () => ({ result: "not an HTTP answer" });
  await expect(creator.create({})).rejects.toMatchObject(busy);
  answer = () => ({ result: { statusCode: 200, body: "<html>" } });
  await expect(creator.create({})).rejects.toMatchObject(busy);
});
