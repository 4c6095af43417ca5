import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findGodot, GodotNotFoundError } from "../../local/godot-binary";
import { PortInUseError, startLocalMode } from "../../local/local-mode";
import { RecordingLogger } from "../support/room-deps";
import { until } from "../support/until";

test("no Godot binary: the error says how to install one or where to point", () => {
  const attempt = () => findGodot(undefined, { PATH: "/nonexistent" });
  expect(attempt).toThrow(GodotNotFoundError);
  expect(attempt).toThrow(
    /No Godot binary \(godot, godot3-server, godot4\) is on PATH\.[\s\S]*apt-get install godot3-server[\s\S]*GODOT_BIN/,
  );
  expect(() => findGodot("/nonexistent/godot")).toThrow(
    'Godot binary "/nonexistent/godot" was not found.',
  );
});

test("a Godot binary is found on PATH and its major version detected", () => {
  expect(findGodot()).toMatchObject({ major: 3, version: expect.stringMatching(/^3\./) });
});

test("port in use: the error names the port and how to choose another", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await expect(
      startLocalMode({
        port,
        maxRooms: 1,
        emptyServerTimeoutSeconds: 5,
        reconcileSeconds: 60,
        log: new RecordingLogger(),
      }),
    ).rejects.toThrow(new PortInUseError(port));
    expect(new PortInUseError(port).message).toBe(
      `Port ${port} is already in use on 127.0.0.1. Choose another with --port <n> (or PORT=<n>).`,
    );
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test("a server that fails at start (a broken pack): the room goes away and the log shows why", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bad-pack-"));
  const pack = join(dir, "broken.pck");
  writeFileSync(pack, "this is not a Godot pack");
  const log = new RecordingLogger();
  const local = await startLocalMode({
    port: 0,
    packPath: pack,
    maxRooms: 2,
    emptyServerTimeoutSeconds: 5,
    startTimeoutSeconds: 3,
    reconcileSeconds: 60,
    log,
  });
  try {
    const created = await fetch(`${local.url}/create_server?server=Crashy`, { method: "POST" });
    expect(created.status).toBe(200);
    const gone = await until(async () => {
      const response = await fetch(`${local.url}/get_servers?server=Crashy`);
      return response.status === 404 ? response.json() : undefined;
    }, 20_000);
    // The client is told why, and the log says what to check, with the server's own output.
    expect(gone).toEqual({
      success: false,
      message: 'No room is named "Crashy".',
      data: [],
      stoppedReason: expect.stringMatching(
        /^The server did not listen on UDP port \d+ on 127\.0\.0\.1 within 3 s\.$/,
      ),
    });
    const failure = log.lines.find((l) => l.message.startsWith("room server did not start"));
    expect(failure?.message).toMatch(
      /^room server did not start: nothing listened on UDP port \d+ on 127\.0\.0\.1 within 3 s\. Check that the game reads --port=\d+ and starts listening, and that its pack loads/,
    );
    expect(failure?.fields).toMatchObject({
      room: "Crashy",
      stopCode: "TaskFailedToStart",
      output: expect.stringMatching(/ERROR/),
    });
    expect(await local.deps.store.slotCount()).toBe(0);
  } finally {
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 40_000);
