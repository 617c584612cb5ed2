// The module object itself (not an ES namespace, whose bindings are read-only), so the wrapper can replace its function.
import fs = require("node:fs");

/**
 * Records every path the process reads with readFileSync (how the font library reads a face).
 * Imported first by the probe, so it wraps the function before any module of ours binds to it.
 */
export const filesRead: string[] = [];
const readFileSync = fs.readFileSync;
fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
  filesRead.push(String(path));
  return (readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
}) as typeof fs.readFileSync;
