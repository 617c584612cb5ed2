import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { HandlerLogger } from "../functions/handler-logger";

const LEVELS = { INFO: 1, WARN: 2, ERROR: 3 } as const;

/**
 * The local functions' log: the same JSON lines as on Lambda, appended to a file instead of the
 * console, so `serve` and `generate` print only their human lines (fresh user 7, item 5: every failed
 * render put `{"level":"ERROR","message":"document failed",…}` among them). Written synchronously:
 * only warnings and errors by default, and a line must be in the file when the human line says it failed.
 */
export function createLogFileLogger(path: string, serviceName: string, level: keyof typeof LEVELS = "WARN"): HandlerLogger {
  const write = (lineLevel: keyof typeof LEVELS, message: string, details: Record<string, unknown> | Error = {}) => {
    if (LEVELS[lineLevel] < LEVELS[level]) return;
    const attributes = details instanceof Error ? { error: { name: details.name, message: details.message, stack: details.stack } } : details;
    const line = JSON.stringify({ level: lineLevel, message, timestamp: new Date().toISOString(), service: serviceName, ...attributes });
    try {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${line}\n`);
    } catch {
      // An unwritable log never fails a render; the human lines still say what failed.
    }
  };
  return {
    info: (message, attributes) => write("INFO", message, attributes),
    warn: (message, attributes) => write("WARN", message, attributes),
    error: (message, details) => write("ERROR", message, details),
  };
}
