import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { LetterpressError } from "../../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";
import { translationOfSource } from "../../../functions/core/letter/source-fingerprint";
import type { LocaleId } from "../../../functions/core/locales";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import { findAll, type HtmlElement, parseDocument } from "../../support/html";
import { FIXTURES_DIR } from "../../support/letters";

/**
 * The hostile-input corpus (test/fixtures/hostile/cases.json) and what running a case gives. Each
 * case states the exact outcome it must produce; `outcomeOf*` computes the actual one, in the same
 * shape, so a test compares them with one `toEqual`.
 */

export const HOSTILE_DIR = join(FIXTURES_DIR, "hostile");
const BASE_LETTER = join(FIXTURES_DIR, "letters/sample");

type JsonPath = (string | number)[];

/** How a case changes the sample letter (test/fixtures/letters/sample) before it is parsed. */
export type Edit =
  | { file: string; raw: string }
  | { file: string; set: JsonPath; value: unknown }
  | { file: string; set: JsonPath; repeat: { text: string; times: number } }
  | { file: string; set: JsonPath; paragraphs: number }
  | { file: string; set: JsonPath; recipients: number }
  | { file: string; delete: JsonPath }
  | { file: string; nested: { path: JsonPath; depth: number } }
  | { file: string; remove: true }
  /** The file's final text encoded as Windows-1252, as an editor set to that encoding saves it. */
  | { file: string; windows1252: true }
  | { files: string[]; everyText: string };

export interface LetterCase {
  kind: "letter";
  id: string;
  description: string;
  edits: Edit[];
  /** By default translations are re-fingerprinted after edits to the source, so only the edit is tested. */
  keepFingerprints?: boolean;
  expect: LetterOutcome;
}

export interface ApiCase {
  kind: "api";
  id: string;
  description: string;
  method?: string;
  path: string;
  /** A path segment repeated, for very long values: `path` with `{long}` replaced. */
  long?: { text: string; times: number };
  headers?: Record<string, string>;
  /** Bytes of body to send (with a Content-Length), or "chunked" for a chunked body. */
  body?: number | "chunked";
  /** Sent as is over a socket instead, for what no HTTP client would send. */
  raw?: string;
  expect: ApiOutcome;
}

export interface EventCase {
  kind: "event";
  id: string;
  description: string;
  event: unknown;
  /** Strings in the event with `{long}` replaced. */
  long?: { text: string; times: number };
  expect: EventOutcome;
}

export interface LetterIdCase {
  kind: "letterId";
  id: string;
  description: string;
  letterId: string;
  long?: { text: string; times: number };
  expect: { error: { code: string; message: string } };
}

export type HostileCase = LetterCase | ApiCase | EventCase | LetterIdCase;

export type LetterOutcome =
  | { error: { code: string; messages: string[] } }
  | { usable: LocaleId[]; localeErrors: Record<string, string[]>; documents: number; html: "inert" | string[]; pdf: "renders" | { code: string; message: string }[] }
  | { crash: string };

export interface ApiOutcome {
  status: number;
  /** The JSON error's code, when the reply is a JSON error. */
  code?: string;
  allow?: string;
}

export type EventOutcome = { throws: { code?: string; name: string; message: string } } | { returns: unknown };

export function loadCorpus(): HostileCase[] {
  const corpus = JSON.parse(readFileSync(join(HOSTILE_DIR, "cases.json"), "utf8")) as { cases: HostileCase[] };
  return corpus.cases;
}

export const expand = (text: string, long?: { text: string; times: number }) => (long ? text.replace("{long}", long.text.repeat(long.times)) : text);

export function expandDeep<T>(value: T, long?: { text: string; times: number }): T {
  if (!long) return value;
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) => (typeof item === "string" ? expand(item, long) : item)) as T;
}

// ---- letters ---------------------------------------------------------------------------------

/** Sets a value at a path with defineProperty: a "__proto__" key becomes an own property, as JSON.parse makes it. */
function setAt(root: unknown, path: JsonPath, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, configurable: true, writable: true });
}

function deleteAt(root: unknown, path: JsonPath): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else delete node[last];
}

/** Every human-readable text of a translation (and letter.json's representative names) set to `text`. */
function setEveryText(name: string, data: Record<string, unknown>, text: string): void {
  if (name === "letter.json") {
    // Only where the sample has one: a page's shape must stay the sample's.
    for (const recipient of data["recipients"] as Record<string, unknown>[]) if ("representativeName" in recipient) recipient["representativeName"] = text;
    return;
  }
  for (const field of ["title", "summary", "sender"]) data[field] = text;
  const sources = data["sources"] as Record<string, string>;
  for (const key of Object.keys(sources)) sources[key] = text;
  for (const paragraph of data["paragraphs"] as { content: Record<string, string>[] }[]) {
    for (const segment of paragraph.content) {
      if ("text" in segment) segment["text"] = text;
      if ("quote" in segment) segment["quote"] = text;
    }
  }
  for (const signatory of Object.values(data["signatories"] as Record<string, Record<string, string>>)) {
    signatory["name"] = text;
    if ("abbreviation" in signatory) signatory["abbreviation"] = text;
  }
  for (const recipient of Object.values(data["recipients"] as Record<string, Record<string, string>>)) {
    recipient["country"] = text;
    recipient["representative"] = text;
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The sample letter's files with a case's edits applied. */
export function letterFilesOf(testCase: LetterCase): LetterFile[] {
  const texts = new Map<string, string>(
    readdirSync(BASE_LETTER)
      .sort()
      .map((name) => [name, readFileSync(join(BASE_LETTER, name), "utf8")]),
  );
  const values = new Map<string, unknown>([...texts].map(([name, text]) => [name, JSON.parse(text)]));
  const raw = new Map<string, string>();
  const windows1252 = new Set<string>();
  for (const edit of testCase.edits) {
    if ("windows1252" in edit) {
      windows1252.add(edit.file);
      continue;
    }
    if ("everyText" in edit) {
      for (const name of edit.files) setEveryText(name, values.get(name) as Record<string, unknown>, edit.everyText);
      continue;
    }
    if ("remove" in edit) {
      values.delete(edit.file);
      continue;
    }
    if ("raw" in edit) {
      raw.set(edit.file, edit.raw);
      continue;
    }
    if (!values.has(edit.file)) values.set(edit.file, {});
    const data = values.get(edit.file);
    if ("delete" in edit) deleteAt(data, edit.delete);
    else if ("repeat" in edit) setAt(data, edit.set, edit.repeat.text.repeat(edit.repeat.times));
    else if ("paragraphs" in edit)
      setAt(
        data,
        edit.set,
        Array.from({ length: edit.paragraphs }, (_, i) => ({ id: `p${i}`, content: [{ text: `Paragraph ${i}.` }] })),
      );
    else if ("recipients" in edit)
      setAt(
        data,
        edit.set,
        Array.from({ length: edit.recipients }, (_, i) => ({ id: `r${i}`, country: "FR", locale: "en" })),
      );
    else if ("nested" in edit) {
      // JSON deeper than any letter: built as text, since no object here could be nested that deep and serialized.
      setAt(data, edit.nested.path, "\u0000NESTED\u0000");
      raw.set(edit.file, JSON.stringify(data).replace('"\\u0000NESTED\\u0000"', "[".repeat(edit.nested.depth) + "]".repeat(edit.nested.depth)));
    } else setAt(data, edit.set, edit.value);
  }
  const source = (raw.has("en.json") ? tryParse(raw.get("en.json")!) : values.get("en.json")) as Record<string, unknown> | undefined;
  if (!testCase.keepFingerprints && source && typeof source === "object" && !Array.isArray(source)) {
    for (const [name, data] of values) {
      const translationOf = (data as { translationOf?: { sourceSha256?: string; recipients?: Record<string, string> } } | null)?.translationOf;
      if (name !== "en.json" && translationOf && typeof translationOf === "object") {
        try {
          const words = (data as { recipients?: unknown }).recipients;
          const held = words && typeof words === "object" && !Array.isArray(words) ? Object.keys(words) : [];
          const current = translationOfSource(source, "en", held);
          translationOf.sourceSha256 = current.sourceSha256;
          if (current.recipients) translationOf.recipients = current.recipients;
          else delete translationOf.recipients;
        } catch {
          // A source too deep to fingerprint is refused before fingerprints matter.
        }
      }
    }
  }
  const files = [...values.keys(), ...raw.keys()].filter((name, index, all) => all.indexOf(name) === index).sort();
  return files.map((name) => {
    const text = raw.get(name) ?? JSON.stringify(values.get(name), null, 2);
    return { name, bytes: windows1252.has(name) ? encodeWindows1252(text) : Buffer.from(text, "utf8") };
  });
}

/** Windows-1252's bytes 0x80-0x9F that are not C1 controls; every other character it has is Latin-1. */
const WINDOWS_1252_HIGH: Record<string, number> = {
  "€": 0x80,
  "‚": 0x82,
  "„": 0x84,
  "…": 0x85,
  "‘": 0x91,
  "’": 0x92,
  "“": 0x93,
  "”": 0x94,
  "–": 0x96,
  "—": 0x97,
  œ: 0x9c,
  Œ: 0x8c,
};

function encodeWindows1252(text: string): Buffer {
  return Buffer.from([...text].map((char) => WINDOWS_1252_HIGH[char] ?? (char.charCodeAt(0) <= 0xff ? char.charCodeAt(0) : 0x3f)));
}

/**
 * The page's own font-loading element holds an empty span per face it embeds (web-fonts.ts
 * `fontLoadingMarkup`): text that needs one more face (an emoji) adds a span there, not markup of its
 * own. Only attribute-less, empty spans in that element are left out of a page's shape.
 */
function isFontLoadingSpan(element: HtmlElement): boolean {
  const parent = element.parentNode as HtmlElement | null;
  return (
    element.tagName === "span" &&
    element.attrs.length === 0 &&
    element.childNodes.length === 0 &&
    parent?.tagName === "div" &&
    parent.attrs.some((attr) => attr.name === "class" && attr.value === "letterpress-font-loading")
  );
}

/** Element tags with their counts and the attribute names used: the shape of a page, whatever its text. */
export function pageShape(html: string): { tags: Record<string, number>; attributes: string[] } {
  const elements = findAll(parseDocument(html), (element) => !isFontLoadingSpan(element));
  const tags: Record<string, number> = {};
  for (const element of elements) tags[element.tagName] = (tags[element.tagName] ?? 0) + 1;
  const attributes = [...new Set(elements.flatMap((element: HtmlElement) => element.attrs.map((attr) => attr.name)))].sort();
  return { tags, attributes };
}

/**
 * What hostile text must not do to a page: add an element, an attribute, an event handler or a
 * script URL. The shape is compared with the same page made from the unmodified sample letter.
 */
export function htmlProblems(html: string, baseline: ReturnType<typeof pageShape>, where: string): string[] {
  const problems: string[] = [];
  const shape = pageShape(html);
  if (JSON.stringify(shape.tags) !== JSON.stringify(baseline.tags))
    problems.push(`${where}: elements ${JSON.stringify(shape.tags)} differ from the sample's ${JSON.stringify(baseline.tags)}`);
  const extra = shape.attributes.filter((name) => !baseline.attributes.includes(name));
  if (extra.length > 0) problems.push(`${where}: unexpected attributes ${extra.join(", ")}`);
  for (const element of findAll(parseDocument(html), () => true)) {
    for (const attr of element.attrs) {
      if (/^on/i.test(attr.name)) problems.push(`${where}: event handler attribute ${attr.name} on <${element.tagName}>`);
      if (/^\s*(javascript|vbscript|data:text\/html)/i.test(attr.value) && ["href", "src", "action", "formaction"].includes(attr.name))
        problems.push(`${where}: script URL in ${attr.name}`);
    }
  }
  const scripts = findAll(parseDocument(html), (element) => ["script", "iframe", "object", "embed", "img", "svg", "math", "form", "base"].includes(element.tagName));
  if (scripts.length > 0) problems.push(`${where}: active elements ${scripts.map((element) => element.tagName).join(", ")}`);
  return problems;
}

export async function outcomeOfLetter(testCase: LetterCase, renderer: DocumentRenderer, baselines: Map<string, ReturnType<typeof pageShape>>): Promise<LetterOutcome> {
  let parsed: ReturnType<typeof parseLetter>;
  try {
    parsed = parseLetter("sample", letterFilesOf(testCase));
  } catch (error) {
    if (error instanceof LetterpressError) return { error: { code: error.code, messages: error.message.split("\n") } };
    return { crash: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300) };
  }
  const usable = [...parsed.letter.translations.keys()];
  const localeErrors = Object.fromEntries([...parsed.localeErrors].map(([locale, error]) => [locale, error.message.split("\n")]));
  const requests = [
    ...usable.map((locale) => ({ locale, recipientId: null as string | null })),
    ...parsed.letter.facts.recipients
      .filter((recipient) => usable.includes(recipient.locale))
      .map((recipient) => ({ locale: recipient.locale, recipientId: recipient.id as string | null })),
  ];
  const htmlIssues: string[] = [];
  const pdfErrors: { code: string; message: string }[] = [];
  for (const { locale, recipientId } of requests) {
    const where = `${locale}${recipientId ? `/${recipientId}` : ""}`;
    try {
      const html = (await renderDocument(renderer, parsed, { letterId: "sample", locale, format: "html", recipientId })).bytes.toString("utf8");
      const baseline = baselines.get(where);
      if (!baseline) htmlIssues.push(`${where}: no baseline page`);
      else htmlIssues.push(...htmlProblems(html, baseline, where));
    } catch (error) {
      htmlIssues.push(`${where}: ${error instanceof LetterpressError ? error.code : "crash"}: ${(error as Error).message}`);
    }
    try {
      const pdf = (await renderDocument(renderer, parsed, { letterId: "sample", locale, format: "pdf", recipientId })).bytes;
      if (pdf.subarray(0, 5).toString("latin1") !== "%PDF-" || !pdf.subarray(-8).toString("latin1").includes("%%EOF")) pdfErrors.push({ code: "NOT_A_PDF", message: where });
    } catch (error) {
      pdfErrors.push({ code: error instanceof LetterpressError ? error.code : `crash ${(error as Error).name}`, message: `${where}: ${(error as Error).message}` });
    }
  }
  return { usable, localeErrors, documents: requests.length * 2, html: htmlIssues.length === 0 ? "inert" : htmlIssues, pdf: pdfErrors.length === 0 ? "renders" : pdfErrors };
}

/** The sample letter's pages, per language and recipient: the shape hostile pages are compared with. */
export async function baselinePages(renderer: DocumentRenderer): Promise<Map<string, ReturnType<typeof pageShape>>> {
  const parsed = parseLetter("sample", letterFilesOf({ kind: "letter", id: "baseline", description: "", edits: [], expect: { crash: "" } }));
  const shapes = new Map<string, ReturnType<typeof pageShape>>();
  const locales = [...parsed.letter.translations.keys()];
  for (const locale of locales) {
    shapes.set(locale, pageShape((await renderDocument(renderer, parsed, { letterId: "sample", locale, format: "html", recipientId: null })).bytes.toString("utf8")));
  }
  for (const recipient of parsed.letter.facts.recipients) {
    const html = (await renderDocument(renderer, parsed, { letterId: "sample", locale: recipient.locale, format: "html", recipientId: recipient.id })).bytes.toString("utf8");
    shapes.set(`${recipient.locale}/${recipient.id}`, pageShape(html));
  }
  return shapes;
}

// ---- the HTTP API ------------------------------------------------------------------------------

export interface ApiReply extends ApiOutcome {
  body: string;
  contentType?: string;
}

/** Sends one API case to the local server: over HTTP for ordinary requests, over a socket for raw ones. */
export async function sendApiCase(testCase: ApiCase, baseUrl: string): Promise<ApiReply> {
  const { hostname, port } = new URL(baseUrl);
  if (testCase.raw !== undefined) {
    const raw = expand(testCase.raw, testCase.long);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end(raw.replace(/\n/g, "\r\n")));
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.on("error", reject);
    });
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
    const [head = "", ...rest] = text.split("\r\n\r\n");
    let body = rest.join("\r\n\r\n");
    if (/^transfer-encoding: chunked$/im.test(head)) body = dechunk(body);
    const contentType = /^content-type: (.+)$/im.exec(head)?.[1]?.trim();
    return { status, body, ...(contentType ? { contentType } : {}), ...jsonCode(body) };
  }
  const path = expand(testCase.path, testCase.long);
  return new Promise<ApiReply>((resolve, reject) => {
    const headers: Record<string, string | number> = expandDeep({ ...(testCase.headers ?? {}) }, testCase.long);
    if (typeof testCase.body === "number") headers["content-length"] = testCase.body;
    if (testCase.body === "chunked") headers["transfer-encoding"] = "chunked";
    const request = httpRequest({ host: hostname, port, method: testCase.method ?? "GET", path, headers, agent: false }, (reply) => {
      const chunks: Buffer[] = [];
      reply.on("data", (chunk: Buffer) => chunks.push(chunk));
      reply.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: reply.statusCode ?? 0,
          body,
          ...(reply.headers["content-type"] ? { contentType: reply.headers["content-type"] } : {}),
          ...(reply.headers["allow"] ? { allow: reply.headers["allow"] } : {}),
          ...jsonCode(body),
        });
      });
    });
    // The server may refuse a body before it is sent and close the connection: that is its answer.
    request.on("error", reject);
    if (typeof testCase.body === "number") request.write(Buffer.alloc(testCase.body, "x"));
    if (testCase.body === "chunked") request.write("x".repeat(64));
    request.end();
  });
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

function jsonCode(body: string): { code?: string } {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? { code } : {};
  } catch {
    return {};
  }
}
