import type { Logger } from "../ports";

/**
 * One JSON object per line on stdout/stderr, which CloudWatch Logs (JSON log format) indexes.
 * `context` fields (the function, the request id) are added to every line.
 */
export function jsonLogger(
  context: Record<string, unknown> = {},
): Logger & { with(fields: Record<string, unknown>): Logger } {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({
      level,
      message,
      timestamp: new Date().toISOString(),
      ...context,
      ...fields,
    });
    if (level === "ERROR") console.error(line);
    else console.log(line);
  };
  return {
    info: (message, fields) => write("INFO", message, fields),
    warn: (message, fields) => write("WARN", message, fields),
    error: (message, fields) => write("ERROR", message, fields),
    with: (fields) => jsonLogger({ ...context, ...fields }),
  };
}
