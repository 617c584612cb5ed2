// jsonc-parser (Microsoft's, the parser behind VS Code's JSON support) reports every property with
// its line while it scans; JSON.parse silently keeps the last of two equal keys and says nothing.
import { type JSONPath, visit } from "jsonc-parser";
import type { DataIssue } from "../errors";

/** Keys that could reach an object's prototype if data were ever merged; refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * A data file's JSON: its value, or its issues; with keys written twice, the issues and the value
 * JSON.parse kept (the last of each), so the file's other problems can be found in the same run.
 */
export type JsonParseResult = { ok: true; value: unknown } | { ok: false; issues: DataIssue[]; keptValue?: unknown };

/** Line and column (1-based) of a character offset, for error messages people can act on. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

export function formatJsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      const plain = /^[A-Za-z_$][\w$-]*$/.test(name);
      if (!plain) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}

/**
 * Letter data is a few levels deep; anything far deeper is refused before it is walked, so a file of
 * nested brackets cannot overflow the stack (found by test/reliability, issue 8: 100,000 nested
 * arrays made this scan throw a RangeError instead of a data error).
 */
export const MAX_JSON_DEPTH = 32;

function findForbiddenKeys(value: unknown, path: PropertyKey[], file: string, issues: DataIssue[]): void {
  if (path.length > MAX_JSON_DEPTH && value !== null && typeof value === "object") {
    issues.push({ file, path: formatJsonPath(path.slice(0, MAX_JSON_DEPTH)), message: `nested deeper than ${MAX_JSON_DEPTH} levels; letter data is never that deep` });
    return;
  }
  // One path array, pushed and popped, not a copy per value: this walk runs over every file on a cold start.
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item === null || typeof item !== "object") continue;
      path.push(index);
      findForbiddenKeys(item, path, file, issues);
      path.pop();
    }
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        issues.push({ file, path: formatJsonPath([...path, key]), message: `the key "${key}" is not allowed in letter data` });
        continue;
      }
      const child = (value as Record<string, unknown>)[key];
      if (child === null || typeof child !== "object") continue;
      path.push(key);
      findForbiddenKeys(child, path, file, issues);
      path.pop();
    }
  }
}

/**
 * Finds every key written twice in one object. JSON.parse keeps the last one, so the first would be
 * dropped in silence; each duplicate is reported with the object's JSON path and both line numbers.
 * Only run on text JSON.parse accepted and no deeper than MAX_JSON_DEPTH (the scanner recurses).
 */
export function findDuplicateKeys(file: string, text: string): DataIssue[] {
  return scanKeys(file, text).duplicates;
}

/**
 * One scan of JSON text for what its keys' places tell: every key written twice in one object
 * (`findDuplicateKeys`), and where the top-level object writes each key, 1-based line and column of
 * its name: of the last one written when it is written twice, the one JSON.parse keeps, so a problem
 * of its value names the line to edit. Only run on text JSON.parse accepted and no deeper than MAX_JSON_DEPTH.
 */
export function scanKeys(file: string, text: string): { duplicates: DataIssue[]; topLevel: Record<string, { line: number; column: number }> } {
  const issues: DataIssue[] = [];
  const topLevel: Record<string, { line: number; column: number }> = {};
  // One map per open object: key -> where it was first written (1-based line and column).
  const open: Map<string, { line: number; column: number }>[] = [];
  visit(text, {
    onObjectBegin: () => {
      open.push(new Map());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key: string, _offset: number, _length: number, startLine: number, startColumn: number, pathOf: () => JSONPath) => {
      const seen = open[open.length - 1];
      const here = { line: startLine + 1, column: startColumn + 1 };
      if (open.length === 1) topLevel[key] = here;
      const first = seen?.get(key);
      if (first === undefined) {
        seen?.set(key, here);
        return;
      }
      // Both on one line (minified JSON): the columns tell them apart.
      const at = (where: { line: number; column: number }) => (first.line === here.line ? `line ${where.line}, column ${where.column}` : `line ${where.line}`);
      issues.push({
        file,
        path: formatJsonPath([...pathOf(), key]),
        message: `duplicate key "${key}" at ${at(here)}; it is first written at ${at(first)}, and only one may stay (JSON would keep the last in silence)`,
      });
    },
  });
  return { duplicates: issues, topLevel };
}

/** Whether JSON text JSON.parse accepted as `value` writes some key twice: a count, far faster than scanKeys (no positions). */
export function writesKeyTwice(text: string, value: unknown): boolean {
  return keysWritten(text) !== keysKept(value);
}

/**
 * Every string of JSON text JSON.parse accepted, in order (outside strings there is no quote), with
 * the colon that makes it a key. The regular expression is compiled by V8 and far faster than a scan in JS.
 */
const STRING_OR_KEY = /"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?/g;

/** How many object keys the text writes (a key written twice counts twice). Only for text JSON.parse accepted. */
function keysWritten(text: string): number {
  let count = 0;
  for (const match of text.matchAll(STRING_OR_KEY)) if (match[1] !== undefined) count++;
  return count;
}

/** How many object keys the parsed value holds; fewer than keysWritten means some key was written twice. */
function keysKept(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + keysKept(item), 0);
  if (value === null || typeof value !== "object") return 0;
  let count = 0;
  for (const key of Object.keys(value)) count += 1 + keysKept((value as Record<string, unknown>)[key]);
  return count;
}

/**
 * Parses a data file's JSON. Syntax errors name the line and column; keys that could pollute
 * prototypes and keys written twice in one object are reported (all of them), never merged.
 */
export function parseDataJson(file: string, withBom: string): JsonParseResult {
  // A byte-order mark (as some Windows editors save UTF-8) is no part of the JSON; positions count without it.
  const text = withBom.replace(/^\uFEFF/, "");
  // JSON.parse would say only "Unexpected end of JSON input" of a file with nothing in it.
  if (text.trim() === "")
    return { ok: false, issues: [{ file, path: "", message: `the file is empty${text === "" ? "" : " (only white space)"}; expected a JSON object { ... }` }] };
  let value: unknown;
  try {
    // JSON.parse defines "__proto__" as an own property (it does not set the prototype), so the scan below sees it.
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 gives no position when the text stops mid-value: the file's end is the place to look.
    const cutOff = /^Unexpected end of JSON input/.test(message);
    const offset = cutOff ? String(text.trimEnd().length) : /position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? "" : (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(text, Number(offset)));
    const reason = cutOff
      ? "the file ends before its JSON does (a value, a closing ] or } is missing)"
      : message.replace(/ in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
    return { ok: false, issues: [{ file, path: "", message: `malformed JSON${where}: ${reason}` }] };
  }
  const issues: DataIssue[] = [];
  findForbiddenKeys(value, [], file, issues);
  // Too deep for the scanner's recursion is already refused above; otherwise every duplicate is named.
  // The position-tracking scan is slow on a cold start; it runs only when the text has more keys than the value kept.
  const duplicates = !issues.some((issue) => issue.message.startsWith("nested deeper")) && writesKeyTwice(text, value) ? findDuplicateKeys(file, text) : [];
  // A value with keys that could pollute prototypes is read no further; one with keys written twice is.
  if (issues.length > 0) return { ok: false, issues: [...issues, ...duplicates] };
  return duplicates.length > 0 ? { ok: false, issues: duplicates, keptValue: value } : { ok: true, value };
}
