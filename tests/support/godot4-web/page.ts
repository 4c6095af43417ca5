/** The page that starts the engine with a pack and hands prints and the exit code to Node. */
export function enginePage(pack: string, args: readonly string[]): string {
  const config = {
    executable: "index",
    mainPack: pack,
    args: ["--audio-driver", "Dummy", ...args],
    canvasResizePolicy: 0,
  };
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"></head>
<body style="margin:0">
<canvas id="canvas" width="160" height="120"></canvas>
<script src="/index.js"></script>
<script>
const config = ${JSON.stringify(config)};
config.onPrint = (...parts) => window.godotPrint(parts.join(" "));
config.onPrintError = (...parts) => window.godotPrint(parts.join(" "));
config.onExit = (code) => window.godotExit(code);
new Engine(config).startGame().catch((e) => {
  window.godotPrint("ENGINE START FAILED: " + e);
  window.godotExit(-1);
});
</script>
</body></html>`;
}
