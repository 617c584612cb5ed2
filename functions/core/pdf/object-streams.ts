import { deflateSync } from "node:zlib";
import { LetterpressError } from "../errors";
import { cacheKind, LruCache, type TypesetterCaches } from "./cache";

/**
 * Repacks a finished PDF the way PDF 1.5 allows and PDF/A-2 permits: every non-stream object
 * (structure elements, font and page dictionaries, annotations, the document information) goes into
 * Flate-compressed object streams, and the cross-reference table becomes a compressed
 * cross-reference stream. pdfkit writes only plain indirect objects and a classic table; in a
 * tagged letter those are about a third of the file, and text compresses well.
 *
 * Streams (page content, fonts, the ICC profile, the XMP metadata PDF/A requires unfiltered) are
 * copied byte for byte, as are the header, the file identifier and every other trailer entry, so
 * readers see the same document. Deterministic: the same input gives the same bytes.
 */

/** Objects per object stream: a reader decompresses a whole stream to reach one object in it. */
const OBJECTS_PER_STREAM = 100;

/** Level 6 with the largest hash table: 0.8 of level 9's time for 0.02-0.03 KB more (bench/ab/deflate-probe.ts). */
const OBJECT_STREAM_DEFLATE = { level: 6, memLevel: 9 };

/**
 * Deflated object streams by their text. A mail merge's letters to new readers differ in the page
 * content and the reader's glyphs; their other objects (structure, fonts, pages, metadata) come out
 * the same unless a page breaks elsewhere, and then so does the whole object stream: 14-28 of 30
 * letters to new readers (bench/ab/object-stream-cache.ts: en 21, es 28, el 14, ar 28, he 28, zh 20).
 * The text is the key (comparing it costs a tenth of deflating it), so a hit gives the very bytes a deflate would.
 */
const OBJECT_STREAMS = cacheKind<string, Buffer>("objectStreams", { sizeOf: (text, data) => LruCache.weigh.string(text) + LruCache.weigh.bytes(data) });

interface XrefEntry {
  number: number;
  generation: number;
  offset: number;
  inUse: boolean;
}

interface PlainObject {
  number: number;
  generation: number;
  /** The whole `n g obj ... endobj` text, as written. */
  whole: Buffer;
  /** For a non-stream object: its value, the text between `obj` and `endobj`. */
  value: Buffer | null;
}

const NEWLINE = Buffer.from("\n", "latin1");

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);

function fail(detail: string): never {
  throw new LetterpressError("RENDER_ERROR", `PDF object streams: ${detail}; expected a PDF as pdfkit writes it (one cross-reference table, no incremental update)`);
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && WHITESPACE.has(bytes[end - 1] as number)) end--;
  return bytes.subarray(0, end);
}

function trimStart(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length && WHITESPACE.has(bytes[start] as number)) start++;
  return bytes.subarray(start);
}

/** The last `startxref` of the file and the offset it names. */
function startXref(pdf: Buffer): number {
  const at = pdf.lastIndexOf("startxref");
  if (at < 0) fail("no startxref");
  const match = /^startxref\s+(\d+)\s+%%EOF\s*$/.exec(pdf.subarray(at).toString("latin1"));
  if (!match) fail("the file does not end with startxref, an offset and %%EOF");
  return Number(match[1]);
}

/** The classic cross-reference table at `offset` and the trailer dictionary's text after it. */
function readXrefTable(pdf: Buffer, offset: number): { entries: XrefEntry[]; trailer: string } {
  const text = pdf.subarray(offset, pdf.lastIndexOf("startxref")).toString("latin1");
  if (!text.startsWith("xref")) fail(`startxref ${offset} does not point at an xref table (an xref stream already?)`);
  const trailerAt = text.indexOf("trailer");
  if (trailerAt < 0) fail("no trailer after the xref table");
  const lines = text
    .slice(4, trailerAt)
    .trim()
    .split(/\r\n|\r|\n/);
  const entries: XrefEntry[] = [];
  let next = 0;
  let remaining = 0;
  for (const line of lines) {
    const section = /^(\d+)\s+(\d+)\s*$/.exec(line);
    if (remaining === 0 && section) {
      next = Number(section[1]);
      remaining = Number(section[2]);
      continue;
    }
    const entry = /^(\d{10}) (\d{5}) ([nf])\s*$/.exec(line);
    if (!entry || remaining === 0) fail(`xref line "${line}" is neither a subsection header nor an entry`);
    entries.push({ number: next++, offset: Number(entry[1]), generation: Number(entry[2]), inUse: entry[3] === "n" });
    remaining--;
  }
  if (remaining !== 0) fail(`the xref table lacks ${remaining} entries`);
  return { entries, trailer: text.slice(trailerAt + "trailer".length).trim() };
}

/**
 * The top-level entries of a dictionary's text (`<< /Key value ... >>`), each value as written.
 * Only the trailer is read this way; its values are names, references, arrays and hex strings.
 */
function dictionaryEntries(text: string): [string, string][] {
  const body = /^<<([\s\S]*)>>$/.exec(text.trim());
  if (!body) fail("the trailer is not a dictionary");
  const entries: [string, string][] = [];
  // A key, then a value up to the next top-level key: a value holds no "/" at depth 0 except as a name.
  const tokens = body[1] as string;
  let i = 0;
  const skipSpace = () => {
    while (i < tokens.length && /\s/.test(tokens[i] as string)) i++;
  };
  const readValue = (): string => {
    const start = i;
    let depth = 0;
    for (; i < tokens.length; i++) {
      const c = tokens[i] as string;
      if (c === "[" || (c === "<" && tokens[i + 1] === "<")) depth++;
      else if (c === "]" || (c === ">" && tokens[i + 1] === ">")) depth--;
      else if (c === "(") {
        // A literal string: balanced parentheses, backslash escapes.
        let nesting = 0;
        for (; i < tokens.length; i++) {
          const s = tokens[i];
          if (s === "\\") i++;
          else if (s === "(") nesting++;
          else if (s === ")" && --nesting === 0) break;
        }
      } else if (c === "/" && depth === 0 && i > start && /\s/.test(tokens[i - 1] as string)) {
        // A name value starts with "/": only a second one after the first token begins the next key.
        const value = tokens.slice(start, i).trim();
        if (value !== "") return value;
      }
      if ((c === "<" || c === ">") && tokens[i + 1] === c) i++;
    }
    return tokens.slice(start).trim();
  };
  while (true) {
    skipSpace();
    if (i >= tokens.length) break;
    const key = /^\/[^\s/<>[\]()]+/.exec(tokens.slice(i));
    if (!key) fail(`trailer entry at "${tokens.slice(i, i + 20)}" does not start with a name`);
    i += key[0].length;
    skipSpace();
    // A name value ("/Key /Name") is one token; anything else reads to the next key.
    if (tokens[i] === "/") {
      const name = /^\/[^\s/<>[\]()]*/.exec(tokens.slice(i)) as RegExpExecArray;
      i += name[0].length;
      entries.push([key[0], name[0]]);
    } else entries.push([key[0], readValue()]);
  }
  return entries;
}

/** Each in-use object's bytes, cut at the offsets the table gives (a string that says "endobj" cannot mislead). */
function readObjects(pdf: Buffer, entries: readonly XrefEntry[], xrefOffset: number): PlainObject[] {
  const used = entries.filter((entry) => entry.inUse);
  const byOffset = [...used].sort((a, b) => a.offset - b.offset);
  // Every offset is checked first: a wrong one would otherwise show as the object before it running on.
  const heads = byOffset.map((entry) => {
    const head = /^(\d+)\s+(\d+)\s+obj/.exec(pdf.subarray(entry.offset, entry.offset + 32).toString("latin1"));
    if (!head || Number(head[1]) !== entry.number || Number(head[2]) !== entry.generation) {
      fail(`offset ${entry.offset} does not start object ${entry.number} ${entry.generation}`);
    }
    return head[0];
  });
  const objects = new Map<number, PlainObject>();
  byOffset.forEach((entry, index) => {
    const end = index + 1 < byOffset.length ? (byOffset[index + 1] as XrefEntry).offset : xrefOffset;
    if (end <= entry.offset || end > pdf.length) fail(`object ${entry.number} at offset ${entry.offset} overlaps the next one`);
    const whole = trimEnd(pdf.subarray(entry.offset, end));
    const head = heads[index] as string;
    // Only the object's ends are read as text: a font program's tens of kilobytes need not be.
    const tail = whole.subarray(Math.max(0, whole.length - 64)).toString("latin1");
    if (!tail.endsWith("endobj")) fail(`object ${entry.number} does not end with endobj`);
    // A stream's data ends with an end-of-line and "endstream" (PDF 32000-1 7.3.8.1).
    const isStream = /[\r\n]endstream\s*endobj$/.test(tail) && /^\d+\s+\d+\s+obj\s*<</.test(whole.subarray(0, 64).toString("latin1"));
    const value = isStream ? null : trimStart(trimEnd(whole.subarray(head.length, whole.length - "endobj".length)));
    objects.set(entry.number, { number: entry.number, generation: entry.generation, whole, value });
  });
  return used.map((entry) => objects.get(entry.number) as PlainObject);
}

/**
 * One object stream: "number offset" pairs, then the objects' values (PDF 32000-1 7.5.7), deflated;
 * looked up in `caches` by its text first when given.
 */
function objectStream(members: readonly { number: number; value: string }[], caches: TypesetterCaches | undefined): { dictionary: string; data: Buffer } {
  const pairs: string[] = [];
  const values: string[] = [];
  let offset = 0;
  for (const member of members) {
    pairs.push(`${member.number} ${offset}`);
    values.push(member.value);
    // Latin-1 text: one byte a character.
    offset += member.value.length + 1;
  }
  const index = `${pairs.join(" ")}\n`;
  // One string, one buffer: a buffer per object was a tenth of the writer's allocations.
  const text = `${index}${values.join("\n")}\n`;
  const cache = caches?.of(OBJECT_STREAMS);
  let data = cache?.get(text);
  if (data === undefined) {
    data = deflateSync(Buffer.from(text, "latin1"), OBJECT_STREAM_DEFLATE);
    cache?.set(text, data);
  }
  return { dictionary: `<< /Type /ObjStm /N ${members.length} /First ${index.length} /Filter /FlateDecode /Length ${data.length} >>`, data };
}

/** Bytes needed to write `value` big-endian (at least one). */
function widthOf(value: number): number {
  let width = 1;
  while (value >= 256 ** width) width++;
  return width;
}

/**
 * Rewrites `pdf` with its non-stream objects in object streams and a cross-reference stream.
 *
 * @throws LetterpressError RENDER_ERROR when the input is not a single-revision PDF with a classic
 *   cross-reference table (an already repacked or incrementally updated file), naming what differed.
 */
export function packObjectStreams(pdf: Buffer): Buffer {
  const version = /^%PDF-(\d+)\.(\d+)/.exec(pdf.subarray(0, 16).toString("latin1"));
  if (!version) fail("no %PDF- header");
  // Object and cross-reference streams are PDF 1.5; a header declaring less would then be untrue.
  if (Number(version[1]) * 10 + Number(version[2]) < 15) fail(`the header declares PDF ${version[1]}.${version[2]}, below 1.5`);
  const xrefOffset = startXref(pdf);
  const { entries, trailer } = readXrefTable(pdf, xrefOffset);
  const trailerEntries = dictionaryEntries(trailer);
  if (trailerEntries.some(([key]) => key === "/Prev" || key === "/XRefStm")) fail("the trailer has /Prev or /XRefStm (an incremental update)");
  if (trailerEntries.some(([key]) => key === "/Encrypt")) fail("the file is encrypted");
  const objects = readObjects(pdf, entries, xrefOffset);
  const first = Math.min(...entries.filter((entry) => entry.inUse).map((entry) => entry.offset));

  // Only generation-0 non-stream objects may live in an object stream (PDF 32000-1 7.5.7).
  const packable = objects.filter((object) => object.value !== null && object.generation === 0);
  const kept = objects.filter((object) => !packable.includes(object));
  const free = entries.filter((entry) => !entry.inUse).map(({ number, generation }) => ({ number, generation }));
  const carried = trailerEntries.filter(([key]) => key !== "/Size").map(([key, value]) => `${key} ${value}`);
  return Buffer.concat(
    writePackedBody({
      head: pdf.subarray(0, first),
      kept,
      packable: packable.map(({ number, value }) => ({ number, value: (value as Buffer).toString("latin1") })),
      free,
      objectCount: entries.length,
      trailer: carried,
    }),
  );
}

/** What `writePackedBody` writes: a single-revision file's objects, as its writer made them. */
export interface PackedBodyInput {
  /** Everything before the first object not yet written: the header and its binary comment. */
  head: Buffer;
  /** Bytes of the file written before `head` (the header, when the caller has written it): where positions start. */
  written?: number;
  /** Objects written as they are (streams, and any of a generation above 0), in object-number order. */
  kept: readonly { number: number; generation: number; whole: Buffer }[];
  /** Non-stream generation-0 objects, each its value (the text between `obj` and `endobj`, Latin-1), in object-number order. */
  packable: readonly { number: number; value: string }[];
  /** Free entries of the cross-reference table (object 0 among them, generation 65535). */
  free: readonly { number: number; generation: number }[];
  /** Entries of the cross-reference table, free and in use (the old trailer's /Size). */
  objectCount: number;
  /** The trailer's entries other than /Size, each `/Key value` as written. */
  trailer: readonly string[];
  /** The renderer's caches, where object streams a letter repeats from an earlier one are found deflated; none: each is deflated. */
  caches?: TypesetterCaches;
}

/**
 * The pieces of a repacked file: the head, the kept objects, the object streams, then a
 * cross-reference stream carrying the trailer's entries. `packObjectStreams` gives it what it cut
 * out of a finished file; the pdfkit adapter gives it the objects as pdfkit wrote them, so a
 * rendered PDF is never parsed back (the same bytes either way, which the tests hold).
 */
export function writePackedBody(input: PackedBodyInput): Buffer[] {
  const { head, kept, packable } = input;
  let nextNumber = input.objectCount;
  const chunks: { number: number; members: (typeof packable)[number][] }[] = [];
  for (let i = 0; i < packable.length; i += OBJECTS_PER_STREAM) chunks.push({ number: nextNumber++, members: packable.slice(i, i + OBJECTS_PER_STREAM) });
  const xrefNumber = nextNumber++;
  const size = nextNumber;

  // [type, field 2, field 3] per object number: 0 free, 1 at an offset, 2 in an object stream.
  const rows: [number, number, number][] = Array.from({ length: size }, () => [0, 0, 0]);
  for (const entry of input.free) rows[entry.number] = [0, 0, entry.generation];
  const parts: Buffer[] = [head];
  let position = (input.written ?? 0) + head.length;
  const emit = (bytes: Buffer) => {
    parts.push(bytes);
    position += bytes.length;
  };
  for (const object of kept) {
    rows[object.number] = [1, position, object.generation];
    emit(object.whole);
    emit(NEWLINE);
  }
  for (const { number, members } of chunks) {
    members.forEach((member, index) => {
      rows[member.number] = [2, number, index];
    });
    const { dictionary, data } = objectStream(members, input.caches);
    rows[number] = [1, position, 0];
    emit(Buffer.from(`${number} 0 obj\n${dictionary}\nstream\n`, "latin1"));
    emit(data);
    emit(Buffer.from("\nendstream\nendobj\n", "latin1"));
  }
  const xrefOffsetOut = position;
  rows[xrefNumber] = [1, xrefOffsetOut, 0];

  let maxField2 = 0;
  let maxField3 = 0;
  for (const row of rows) {
    if (row[1] > maxField2) maxField2 = row[1];
    if (row[2] > maxField3) maxField3 = row[2];
  }
  const widths = [1, widthOf(maxField2), widthOf(maxField3)] as const;
  const rowLength = widths[0] + widths[1] + widths[2];
  // PNG "Up" prediction (each row minus the one above) turns the table's slowly rising offsets into near-zeros that deflate well.
  const table = Buffer.alloc(size * (rowLength + 1));
  const raw = Buffer.alloc(rowLength);
  const previous = Buffer.alloc(rowLength);
  rows.forEach((row, index) => {
    let at = 0;
    for (let field = 0; field < 3; field++) {
      raw.writeUIntBE(row[field] as number, at, widths[field] as number);
      at += widths[field] as number;
    }
    const start = index * (rowLength + 1);
    table[start] = 2;
    for (let b = 0; b < rowLength; b++) table[start + 1 + b] = ((raw[b] as number) - (previous[b] as number)) & 0xff;
    raw.copy(previous);
  });
  const data = deflateSync(table, { level: 9 });
  const dictionary = [
    "<< /Type /XRef",
    `/Size ${size}`,
    `/W [${widths.join(" ")}]`,
    ...input.trailer,
    "/Filter /FlateDecode",
    `/DecodeParms << /Predictor 12 /Columns ${rowLength} >>`,
    `/Length ${data.length} >>`,
  ].join("\n");
  emit(Buffer.from(`${xrefNumber} 0 obj\n${dictionary}\nstream\n`, "latin1"));
  emit(data);
  emit(Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffsetOut}\n%%EOF\n`, "latin1"));
  return parts;
}
