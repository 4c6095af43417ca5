import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/**
 * A copy of the end-to-end Godot client project with the client library vendored in, as a game
 * would have it. Remove it with `remove()`.
 */
export function vendoredE2eClient(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "rooms-e2e-client-"));
  cpSync(join(ROOT, "tests", "godot", "e2e-client"), dir, { recursive: true });
  cpSync(join(ROOT, "godot-client", "rooms_client.gd"), join(dir, "rooms_client.gd"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
