import { connect } from "node:net";

export interface RawExchange {
  /** What came back before the connection closed or the wait ran out. */
  readonly response: string;
  /** Whether the server closed the connection. */
  readonly closed: boolean;
}

/**
 * Sends bytes as they are on a fresh TCP connection (no HTTP client to tidy them up), then either
 * aborts (`abort`: resets the connection at once) or waits up to `waitMs` for the answer.
 */
export function rawExchange(
  url: string,
  bytes: string | Buffer,
  options: { waitMs?: number; abort?: boolean; halfClose?: boolean } = {},
): Promise<RawExchange> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ response: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 2000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("close", () => finish(true));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") finish(true);
      else reject(error);
    });
    socket.on("connect", () => {
      socket.write(bytes);
      if (options.abort) {
        socket.resetAndDestroy();
        finish(true);
      } else if (options.halfClose) socket.end();
    });
  });
}

/** The status code of the first response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The JSON body of a complete response without chunked encoding. */
export function jsonBodyOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
}
