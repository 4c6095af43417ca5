import { DockerfileParser } from "dockerfile-ast";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

const stageNamed = (name: string) => {
  const index = stages.findIndex((s) => s.getBuildStage() === name);
  const start = stages[index].getRange().start.line;
  const end = index + 1 < stages.length ? stages[index + 1].getRange().start.line : Infinity;
  return instructions.filter(
    (i) => i.getRange().start.line >= start && i.getRange().start.line < end,
  );
};
/** Shell text of a RUN, as Docker hands it to /bin/sh (line continuations joined). */
const shellOf = (run: (typeof instructions)[number]) =>
  (run.getArgumentsContent() ?? "").replace(/\\\n/g, " ");
/** What sh makes of `text` with these variables (Dockerfile and sh agree on ${v%%pattern}). */
const sh = (script: string, env: Record<string, string>) =>
  execFileSync("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "", ...env } })
    .toString()
    .trim();

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
    ["3", ["--main-pack", "PACK", "--port=7777", "--empty-server-timeout=90"]],
    ["4", ["--headless", "--main-pack", "PACK", "--port=7777", "--empty-server-timeout=90"]],
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

interface Variant {
  readonly name: string;
  /** The --build-arg values given to docker build. */
  readonly buildArgs: Record<string, string>;
  readonly version: string;
  readonly major: string;
  readonly download: string;
  readonly reference: string;
}

describe.each<Variant>([
  {
    name: "by default: Godot 4.6",
    buildArgs: {},
    version: "4.6",
    major: "4",
    download: "Godot_v4.6-stable_linux.x86_64.zip",
    reference: "reference-server-4",
  },
  {
    name: "on request (--build-arg GODOT_VERSION=3.6): Godot 3.6",
    buildArgs: { GODOT_VERSION: "3.6" },
    version: "3.6",
    major: "3",
    download: "Godot_v3.6-stable_linux_server.64.zip",
    reference: "reference-server",
  },
])("the image builds $name", ({ buildArgs, version, major, download, reference }) => {
  const args = Object.fromEntries(
    instructions
      .filter((i) => i.getRange().start.line < stages[0].getRange().start.line)
      .filter((i) => i.getKeyword() === "ARG")
      .map((i) => (i.getArgumentsContent() ?? "").split("="))
      .map(([key, value]) => [key, value ?? ""]),
  ) as Record<string, string>;
  const resolved: Record<string, string> = { ...args, ...buildArgs };

  test("the version reaches every stage that uses it", () => {
    expect(resolved.GODOT_VERSION).toBe(version);
    for (const stage of ["download", "game"]) {
      const declared = stageNamed(stage)
        .filter((i) => i.getKeyword() === "ARG")
        .map((i) => i.getArgumentsContent());
      expect(declared).toContain("GODOT_VERSION");
    }
  });

  test("the download fetches that version's headless binary", () => {
    const run = shellOf(ofKeyword(stageNamed("download"), "RUN").at(-1)!);
    const choose = /case "\$\{GODOT_VERSION\}" in[\s\S]*?esac;/.exec(run)?.[0];
    expect(choose).toBeDefined();
    expect(sh(`${choose} echo "$file"`, resolved)).toBe(download);
  });

  test("GODOT_MAJOR is the version's major, so the entrypoint picks the right flags", () => {
    const env = ofKeyword(runtime, "ENV")
      .map((e) => e.getArgumentsContent() ?? "")
      .join(" ");
    const expression = /GODOT_MAJOR=(\S+)/.exec(env)?.[1];
    expect(expression).toBe("${GODOT_VERSION%%.*}");
    // Dockerfile syntax 1.7+ expands ${v%%pattern}; the directive asks for the current 1.x.
    expect(readFileSync(join(IMAGE, "Dockerfile"), "utf8").split("\n")[0]).toBe(
      "# syntax=docker/dockerfile:1",
    );
    expect(sh(`echo ${expression}`, resolved)).toBe(major);
  });

  test("the game stage keeps the reference server written for that engine, and a game.pck", () => {
    const root = mkdtempSync(join(tmpdir(), "game-stage-"));
    try {
      cpSync(join(IMAGE, "game"), join(root, "src"), { recursive: true });
      writeFileSync(join(root, "src", "game.pck"), "pack");
      // The stage's own script, with its absolute /src and /game moved under a temporary root.
      const run = shellOf(ofKeyword(stageNamed("game"), "RUN")[0]).replace(
        /(?<=[\s"])\/(src|game)(?=[/\s";]|$)/g,
        (_, dir: string) => join(root, dir),
      );
      sh(run, resolved);
      const server = readFileSync(join(root, "game", "reference-server", "room_server.gd"), "utf8");
      expect(server).toContain(
        major === "4" ? "multiplayer.multiplayer_peer = _peer" : "NetworkedMultiplayerENet",
      );
      expect(server).toBe(readFileSync(join(IMAGE, "game", reference, "room_server.gd"), "utf8"));
      expect(existsSync(join(root, "game", "reference-server-4"))).toBe(false);
      expect(readFileSync(join(root, "game", "game.pck"), "utf8")).toBe("pack");
      const copy = ofKeyword(runtime, "COPY").map((c) => c.getTextContent());
      expect(copy).toContain("COPY --from=game --chown=10001:10001 /game/ /opt/game/");
    } finally {
      rmSync(join(root), { recursive: true, force: true });
    }
  });
});
