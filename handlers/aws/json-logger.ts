import type { Logger } from "../ports";

/**
 * One JSON object per line on stdout, which CloudWatch Logs indexes field by field.
 * `context` fields (the function, the request id) are added to every line.
 *
 * Why process.stdout.write and not console: under the JSON log format, the Lambda Node.js
 * runtime replaces console.log/info/warn/error/debug/trace with functions that wrap their
 * argument in {"timestamp","level","requestId","message": <our line, as a string>}, so our
 * fields would reach CloudWatch double-encoded inside `message`. Bytes written to stdout
 * directly are not patched and reach CloudWatch Logs as they are (aws-lambda-nodejs-runtime-
 * interface-client, src/logging/log-patch.ts; AWS's EMF library and Powertools write the same
 * way for this reason). The level is in the line, so nothing goes to stderr.
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
    process.stdout.write(`${line}\n`);
  };
  return {
    info: (message, fields) => write("INFO", message, fields),
    warn: (message, fields) => write("WARN", message, fields),
    error: (message, fields) => write("ERROR", message, fields),
    with: (fields) => jsonLogger({ ...context, ...fields }),
  };
}
