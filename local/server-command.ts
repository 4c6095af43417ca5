import { spawnSync } from "node:child_process";
import type { GodotBinary } from "./godot-binary";
import type { GameProtocol } from "./port-readiness";

export interface ServerCommandOptions {
  readonly godot: GodotBinary;
  /** The reference server project folder, used when no pack is given. */
  readonly projectPath: string;
  readonly packPath?: string;
  readonly port: number;
  readonly protocol: GameProtocol;
  /** Where the server listens: 127.0.0.1 unless local mode runs with --public ("*"). */
  readonly bindAddress: string;
  readonly emptyServerTimeoutSeconds: number;
  /** A command prefix that makes the server die with local mode (see parentDeathPrefix). */
  readonly prefix: readonly string[];
}

/** The command line of one room server. A custom pack reads the same options (see README). */
export function serverCommand(options: ServerCommandOptions): { command: string; args: string[] } {
  const target = options.packPath
    ? ["--main-pack", options.packPath]
    : ["--path", options.projectPath];
  const godotArgs = [
    ...(options.godot.major === 4 ? ["--headless"] : []),
    ...target,
    `--port=${options.port}`,
    `--protocol=${options.protocol}`,
    `--bind-address=${options.bindAddress}`,
    `--empty-server-timeout=${options.emptyServerTimeoutSeconds}`,
  ];
  const [command, ...prefixArgs] = [...options.prefix, options.godot.path];
  return { command, args: [...prefixArgs, ...godotArgs] };
}

/**
 * `setpriv --pdeathsig SIGKILL --` (util-linux) asks the kernel to kill the server when local
 * mode's process dies, however it dies (SIGKILL included), so no Godot server outlives it.
 * Empty when setpriv is missing or refuses; then only the pid files of --data-dir remain.
 */
export function parentDeathPrefix(): string[] {
  const probe = spawnSync("setpriv", ["--pdeathsig", "SIGKILL", "--", "true"], {
    stdio: "ignore",
    timeout: 5000,
  });
  return probe.status === 0 ? ["setpriv", "--pdeathsig", "SIGKILL", "--"] : [];
}
