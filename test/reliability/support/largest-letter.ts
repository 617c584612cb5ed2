/**
 * The largest letter the data rules accept, generated: every translation file filled to the reader's
 * byte limit, with the most paragraphs and signatories the schema allows. Its words are made up and
 * nearly all distinct, the worst case for the typesetter's caches (every word shaped anew).
 */
import type { LetterFile } from "../../../functions/core/letter/parse-letter";
import { bytesBesidesFingerprints, LIMITS } from "../../../functions/core/letter/schema";
import { translationOfSource } from "../../../functions/core/letter/source-fingerprint";

/** A small deterministic PRNG (mulberry32): the same letter on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ["ta", "re", "mon", "si", "ul", "ka", "ver", "do", "lin", "es", "pra", "no", "chi", "ad", "mu", "ro", "the", "qua", "il", "be"];

/** Prose of made-up words, `length` characters, with a full stop now and then. */
function prose(next: () => number, length: number): string {
  let text = "";
  while (text.length < length) {
    let word = "";
    const syllables = 1 + Math.floor(next() * 4);
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    text += (text ? (next() < 0.08 ? ". " : " ") : "") + word;
  }
  return text.slice(0, length).trimEnd() || "x";
}

/** A file's bytes as the data rules count them: written indented, its translationOf fingerprints aside (bytesBesidesFingerprints). */
const bytesOf = (value: unknown) => bytesBesidesFingerprints(Buffer.byteLength(JSON.stringify(value, null, 2), "utf8"), value);

/**
 * One translation of `fileBytes` bytes at most (and within a few hundred bytes of it): the most
 * paragraphs, as many segments as fit, the signatories' names.
 */
function translation(
  locale: string,
  fileBytes: number,
  signatoryIds: readonly string[],
  seed: number,
  translationOf?: ReturnType<typeof translationOfSource>,
): Record<string, unknown> {
  const next = random(seed);
  const paragraphs = Array.from({ length: LIMITS.paragraphs }, (_, i) => ({ id: `p${i}`, content: [] as { text: string }[] }));
  const file: Record<string, unknown> = {
    locale,
    ...(translationOf ? { translationOf } : {}),
    title: prose(next, 120),
    summary: prose(next, 400),
    sender: prose(next, 80),
    sources: {},
    paragraphs,
    signatories: Object.fromEntries(signatoryIds.map((id) => [id, { name: prose(next, 40), abbreviation: "AB" }])),
    recipients: { gb: { country: "United Kingdom", representative: prose(next, 60) } },
  };
  // Segments of about 600 characters (a long sentence or two), up to each paragraph's limit, round-robin
  // until the file is full. Sizes are counted as segments are added (serializing 2 MB per segment would
  // take minutes), each segment's indented JSON costing at most SEGMENT_OVERHEAD bytes beside its text.
  const segmentLength = 600;
  const SEGMENT_OVERHEAD = 48;
  for (const paragraph of paragraphs) paragraph.content.push({ text: prose(next, 40) });
  let bytes = bytesOf(file);
  fill: for (let round = 1; round < LIMITS.segmentsPerParagraph; round++) {
    for (const paragraph of paragraphs) {
      const room = fileBytes - bytes - SEGMENT_OVERHEAD;
      if (room < 2) break fill;
      const text = prose(next, Math.min(segmentLength, LIMITS.textLength, room));
      paragraph.content.push({ text });
      bytes += SEGMENT_OVERHEAD + text.length;
    }
  }
  // The estimate is generous: lengthen the last segment by the exact bytes left (ASCII text, one byte a character).
  const last = paragraphs.flatMap((paragraph) => paragraph.content).at(-1)!;
  const slack = fileBytes - bytesOf(file);
  if (slack > 0) last.text = (last.text + "a".repeat(slack)).slice(0, LIMITS.textLength);
  if (bytesOf(file) > fileBytes) throw new Error(`generated ${bytesOf(file)} bytes for a limit of ${fileBytes}`);
  return file;
}

export interface LargestLetterOptions {
  /** The languages of the letter; the first is the source. */
  locales: readonly string[];
  /** Bytes of each translation file besides its fingerprints: the data rules' limit unless a measurement asks for less. */
  fileBytes?: number;
}

/** The files of the largest valid letter (letter.json and one file per language). */
export function largestLetterFiles({ locales, fileBytes = LIMITS.fileBytes }: LargestLetterOptions): LetterFile[] {
  const signatoryIds = Array.from({ length: LIMITS.signatories }, (_, i) => `s${i}`);
  const facts = {
    id: "largest",
    sourceLocale: locales[0],
    signatories: signatoryIds.map((id) => ({ id })),
    recipients: [{ id: "gb", country: "GB", locale: locales[0] }],
  };
  const [source, ...others] = locales;
  const sourceFile = translation(source!, fileBytes, signatoryIds, 1);
  const files: LetterFile[] = [
    { name: "letter.json", bytes: Buffer.from(JSON.stringify(facts, null, 2)) },
    { name: `${source}.json`, bytes: Buffer.from(JSON.stringify(sourceFile, null, 2)) },
  ];
  // Each translation holds the one recipient's words (its letter to all recipients prints them): it records their fingerprint.
  const recorded = translationOfSource(sourceFile, source!, ["gb"]);
  for (const [i, locale] of others.entries()) {
    const file = translation(locale, fileBytes, signatoryIds, 2 + i, recorded);
    files.push({ name: `${locale}.json`, bytes: Buffer.from(JSON.stringify(file, null, 2)) });
  }
  return files;
}
