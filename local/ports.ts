import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A port free on 127.0.0.1 for both TCP and UDP (ENet is UDP, WebSocket TCP). */
export async function freeLocalPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
        .once("error", reject)
        .listen(0, "127.0.0.1", () => {
          const { port: p } = server.address() as { port: number };
          server.close(() => resolve(p));
        });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}
