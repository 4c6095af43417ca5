import type { IncomingMessage } from "node:http";

/** The whole body of a request to one of the tests' local endpoints, as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** The body as JSON, or undefined when it is not JSON (which AWS would refuse). */
export function parseJson(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
