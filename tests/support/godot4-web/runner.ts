import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { loadEngineFiles } from "./engine-files";
import { enginePage } from "./page";
import { buildPck } from "./pck";
import { projectFiles, type ProjectSpec } from "./project";

export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

export interface RunResult {
  /** The code passed to get_tree().quit(), -1 if the engine failed, null on timeout. */
  readonly exitCode: number | null;
  readonly output: string[];
  /** Lines that show a broken script or engine: SCRIPT ERROR, wasm traps, aborts. */
  readonly errors: string[];
  readonly timedOut: boolean;
}

const ERROR_LINE =
  /SCRIPT ERROR|Parse Error|Aborted\(|RuntimeError|table index is out of bounds|ENGINE START FAILED|unreachable/;

/** Error lines, each with the engine's following "at: ... (res://file:line)" line if there is one. */
function errorsIn(output: readonly string[]): string[] {
  return output.flatMap((line, i) => {
    if (!ERROR_LINE.test(line)) return [];
    const next = output[i + 1]?.trim() ?? "";
    return [next.startsWith("at:") ? `${line} ${next}` : line];
  });
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html",
  ".pck": "application/octet-stream",
};

/**
 * Runs Godot 4 projects on the official 4.6 web engine in headless Chromium. One browser and one
 * 127.0.0.1 server serve every run; each run gets its own browser context (its own user://).
 */
export class Godot4Web {
  private browser?: Browser;
  private server?: Server;
  private readonly assets = new Map<string, Buffer>();
  private nextId = 0;

  async start(): Promise<void> {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium is not at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_BIN.`,
      );
    for (const [name, bytes] of loadEngineFiles()) this.assets.set(`/${name}`, bytes);
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const body = this.assets.get(path);
      if (!body) return void response.writeHead(404).end();
      const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
      response.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    });
  }

  /** The origin pages are served from (what a CORS check sees). */
  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async run(spec: ProjectSpec, options: { args?: string[]; timeoutMs?: number } = {}) {
    const id = this.nextId++;
    const pack = `/run-${id}.pck`;
    const page = `/run-${id}.html`;
    this.assets.set(pack, buildPck(projectFiles(spec)));
    this.assets.set(page, Buffer.from(enginePage(pack.slice(1), options.args ?? [])));
    const context = await this.browser!.newContext({ viewport: { width: 160, height: 120 } });
    const output: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      const tab = await context.newPage();
      let exit!: (code: number) => void;
      const exited = new Promise<number>((resolve) => (exit = resolve));
      await tab.exposeFunction("godotExit", (code: number) => exit(code));
      await tab.exposeFunction("godotPrint", (line: string) => output.push(line));
      // A wasm trap or abort surfaces as a page error and the engine never calls onExit: end the
      // run now with -1 rather than wait for the timeout.
      tab.on("pageerror", (error) => {
        output.push(`RuntimeError (page): ${error.message}`);
        exit(-1);
      });
      tab.on("crash", () => {
        output.push("RuntimeError: the page crashed");
        exit(-1);
      });
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), options.timeoutMs ?? 30_000);
      });
      await tab.goto(`${this.origin}${page}`);
      const exitCode = await Promise.race([exited, timeout]);
      return {
        exitCode,
        output,
        errors: errorsIn(output),
        timedOut: exitCode === null,
      } satisfies RunResult;
    } finally {
      clearTimeout(timer);
      await context.close();
      this.assets.delete(pack);
      this.assets.delete(page);
    }
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
