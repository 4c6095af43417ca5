import { DockerfileParser } from "dockerfile-ast";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_GAME_PORT, DEFAULT_GAME_PROTOCOL, GAME_PACK_PATH } from "../../common/game-server";

const IMAGE = join(__dirname, "..", "..", "godot-image");
const dockerfile = DockerfileParser.parse(readFileSync(join(IMAGE, "Dockerfile"), "utf8"));
const instructions = dockerfile.getInstructions();
const stages = dockerfile.getFROMs();
const runtimeStart = stages[stages.length - 1].getRange().start.line;
const runtime = instructions.filter((i) => i.getRange().start.line >= runtimeStart);
const ofKeyword = (list: typeof instructions, keyword: string) =>
  list.filter((i) => i.getKeyword() === keyword);

test("multi-stage, with the Godot version as a build argument and the download checked by SHA-512", () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  const args = dockerfile.getARGs().map((a) => a.getProperty()?.getName());
  expect(args).toContain("GODOT_VERSION");
  const download = ofKeyword(instructions, "RUN")
    .map((r) => r.getTextContent())
    .join("\n");
  expect(download).toMatch(/SHA512-SUMS\.txt/);
  expect(download).toMatch(/sha512sum -c/);
});

test("the runtime stage runs as a non-root user, exec-form ENTRYPOINT and CMD, and exposes the game port", () => {
  const user = ofKeyword(runtime, "USER");
  expect(user).toHaveLength(1);
  expect(user[0].getArguments()[0].getValue()).not.toMatch(/^(root|0)(:|$)/);
  for (const keyword of ["ENTRYPOINT", "CMD"]) {
    const [instruction] = ofKeyword(runtime, keyword);
    expect(() => JSON.parse(instruction.getArgumentsContent() ?? "")).not.toThrow();
  }
  expect(ofKeyword(runtime, "EXPOSE").map((e) => e.getArgumentsContent())).toEqual([
    `${DEFAULT_GAME_PORT}/${DEFAULT_GAME_PROTOCOL}`,
  ]);
});

test("the image and the task definition agree on port, protocol and pack path (common/game-server.ts)", () => {
  const env = ofKeyword(runtime, "ENV")
    .map((e) => e.getArgumentsContent())
    .join(" ");
  expect(env).toContain(`GAME_PACK_PATH=${GAME_PACK_PATH}`);
  expect(env).toContain(`GAME_PORT=${DEFAULT_GAME_PORT}`);
  expect(env).toContain(`GAME_PROTOCOL=${DEFAULT_GAME_PROTOCOL}`);
  expect(readFileSync(join(IMAGE, "entrypoint.sh"), "utf8")).toContain(
    `GAME_PACK_PATH:-${GAME_PACK_PATH}`,
  );
});

test("no GUI, audio or GL packages are installed", () => {
  const installs = ofKeyword(instructions, "RUN")
    .map((r) => r.getTextContent())
    .join("\n");
  expect(installs).not.toMatch(
    /\b(libx11|libxcursor|libxinerama|libxrandr|libxi|xorg|libgl|mesa|libasound|pulseaudio|libpulse|alsa)/i,
  );
});

describe("entrypoint.sh, run with a fake godot that prints its arguments", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "entrypoint-"));
    writeFileSync(join(dir, "godot"), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(join(dir, "godot"), 0o755);
    writeFileSync(join(dir, "game.pck"), "pack");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (env: Record<string, string>) =>
    execFileSync("sh", [join(IMAGE, "entrypoint.sh"), "--empty-server-timeout=90"], {
      env: {
        PATH: process.env.PATH ?? "",
        GODOT_BIN: join(dir, "godot"),
        GAME_PORT: "7777",
        ...env,
      },
    })
      .toString()
      .trim()
      .split("\n");

  test.each([
    ["3.6", ["--main-pack", "PACK", "--port=7777", "--empty-server-timeout=90"]],
    ["4.3", ["--headless", "--main-pack", "PACK", "--port=7777", "--empty-server-timeout=90"]],
  ])("Godot %s with a game pack", (major, expected) => {
    const pack = join(dir, "game.pck");
    expect(run({ GODOT_MAJOR: major, GAME_PACK_PATH: pack })).toEqual(
      expected.map((a) => (a === "PACK" ? pack : a)),
    );
  });

  test("without a pack it runs the reference server project", () => {
    expect(
      run({
        GODOT_MAJOR: "3.6",
        GAME_PACK_PATH: join(dir, "missing.pck"),
        GAME_PROJECT_PATH: "/opt/game/reference-server",
      }),
    ).toEqual(["--path", "/opt/game/reference-server", "--port=7777", "--empty-server-timeout=90"]);
  });
});
