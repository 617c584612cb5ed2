import bidiFactory from "bidi-js";

/**
 * Rules that make published text read as the data says. Each returns a problem (a sentence for the
 * error message) or undefined. They are pure and run inside the schema, so every text field of every
 * file gets them, with its file and JSON path.
 */

// Built on first use: the download function imports the schema for ids only and never checks text.
let bidi: ReturnType<typeof bidiFactory> | undefined;

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

// C0/C1 controls have no place in letter text, and an unpaired surrogate is not text.
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

// Any control or any surrogate (paired ones too: CJK extension B, emoji), without the unicode flag.
const MAY_HOLD_CONTROL_OR_SURROGATE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

/** How many offending characters of one field a message lists; the rest are counted. */
export const MAX_LISTED_CHARACTERS = 10;

/**
 * Every control character and unpaired surrogate of the text, each where it is (in characters, code
 * points, as a person counts them), so that one round of corrections removes them all: the first
 * `MAX_LISTED_CHARACTERS`, then how many more.
 */
export function controlCharacterProblem(value: string): string | undefined {
  // Nearly all text has no control and no surrogate at all: a plain character class says so far faster than the
  // unicode-aware search below (which every text field of every file on a cold start would run).
  if (!MAY_HOLD_CONTROL_OR_SURROGATE.test(value)) return undefined;
  const found: string[] = [];
  // Code points before each match, counted on from the match before (hostile text may hold thousands).
  let characters = 0;
  let counted = 0;
  for (const match of value.matchAll(CONTROL_OR_LONE_SURROGATE)) {
    characters += [...value.slice(counted, match.index)].length;
    counted = match.index;
    found.push(`${codePoint(match[0])} at character ${characters}`);
  }
  if (found.length === 0) return undefined;
  if (found.length === 1) return `contains a control or unpaired surrogate character (${found[0]}); remove it`;
  const more = found.length > MAX_LISTED_CHARACTERS ? ` and ${found.length - MAX_LISTED_CHARACTERS} more` : "";
  return `contains ${found.length} control or unpaired surrogate characters (${found.slice(0, MAX_LISTED_CHARACTERS).join(", ")}${more}); remove them`;
}

/*
 * Bidi controls. Embeddings and overrides (U+202A-U+202E) always open a directional context, and
 * isolates (U+2066 LRI, U+2067 RLI, U+2068 FSI, U+2069 PDI) do too: an RLI holding two LTR isolates
 * prints "for against" for the data's "against for" ("Trojan Source", CVE-2021-42574). What is
 * allowed is the one use that cannot reorder anything: a balanced isolate, not nested, around text
 * whose strong characters all have one direction, the isolate's own (an FSI takes it from the text).
 * Such an isolate is one run of its direction, and outside it acts as one neutral character, which
 * never moves strong text. Marks (U+200E, U+200F, U+061C) open no context: they are invisible strong
 * letters, and move text no more than a visible letter of their direction would, so they stay allowed.
 */
const EMBEDDING_OR_OVERRIDE = /[\u202a-\u202e]/u;
const ISOLATE = /[\u2066-\u2069]/gu;
const ISOLATE_DIRECTION = new Map<string, "L" | "R" | undefined>([
  ["\u2066", "L"],
  ["\u2067", "R"],
  ["\u2068", undefined],
]);

function strongDirection(char: string): "L" | "R" | undefined {
  bidi ??= bidiFactory();
  const type = bidi.getBidiCharTypeName(char);
  return type === "L" ? "L" : type === "R" || type === "AL" ? "R" : undefined;
}

export function bidiControlProblem(value: string): string | undefined {
  const override = EMBEDDING_OR_OVERRIDE.exec(value);
  if (override)
    return `contains a bidi embedding or override character (${codePoint(override[0])} at character ${override.index}), which can make text display in another order than it is written; remove it`;
  const refuse = (index: number, why: string) =>
    `contains a bidi isolate (${codePoint(value[index] ?? "")} at character ${index}) ${why}; text may only isolate one run of one direction, so it cannot display in another order than it is written`;
  let open: number | undefined;
  for (const match of value.matchAll(ISOLATE)) {
    const index = match.index;
    if (match[0] !== "\u2069") {
      if (open !== undefined) return refuse(index, "nested inside another isolate");
      open = index;
      continue;
    }
    if (open === undefined) return refuse(index, "that closes no isolate");
    const opener = value[open] as string;
    const directions = new Set([...value.slice(open + 1, index)].map(strongDirection).filter((direction) => direction !== undefined));
    if (directions.size === 0) return refuse(open, "around text with no letters of either direction");
    if (directions.size > 1) return refuse(open, "around text of both directions");
    const declared = ISOLATE_DIRECTION.get(opener);
    if (declared !== undefined && !directions.has(declared))
      return refuse(open, `of direction ${declared === "L" ? "left-to-right" : "right-to-left"} around text of the other direction`);
    open = undefined;
  }
  return open === undefined ? undefined : refuse(open, "that is never closed (no U+2069)");
}

/**
 * Text a reader can see: not only whitespace and default-ignorable characters (zero-width spaces and
 * joiners, U+2060, soft hyphens, fillers), which print as nothing in both editions.
 */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu;

export function invisibleTextProblem(value: string): string | undefined {
  if (value.replace(INVISIBLE, "").length > 0) return undefined;
  const invisible = [...new Set(value.match(/[^\p{White_Space}]/gu) ?? [])].slice(0, 3).map(codePoint);
  return invisible.length === 0 ? "expected non-empty text" : `expected non-empty text; found only invisible characters (${invisible.join(", ")})`;
}

/**
 * A paragraph's text run between inline items: a space between two quotations (`[quote, {"text": " "}, quote]`)
 * is legitimate there, so whitespace alone passes; an empty string, or only default-ignorable characters
 * (which print as nothing), is still refused. The paragraph as a whole must have visible text (blankParagraphProblem).
 */
export function runTextProblem(value: string): string | undefined {
  if (value.length > 0 && /^\p{White_Space}+$/u.test(value)) return undefined;
  return invisibleTextProblem(value);
}

/** A paragraph whose runs are all whitespace prints as nothing: refused, naming what it found. */
export function blankParagraphProblem(runs: readonly string[]): string | undefined {
  if (runs.some((run) => invisibleTextProblem(run) === undefined)) return undefined;
  return "expected visible text in the paragraph; its text segments hold only whitespace (spaces are allowed between quotations, not as a whole paragraph)";
}

/**
 * UAX #15's stream-safe limit: at most 30 non-starters (combining marks) in a row. Real text never
 * comes near it; thousands of marks on one letter are drawn over the page and break text extraction.
 * Counted on the canonical decomposition, as UAX #15 does, so a precomposed letter counts its mark.
 */
export const MAX_COMBINING_MARKS_IN_A_ROW = 30;
const COMBINING_RUN = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS_IN_A_ROW + 1},}`, "u");

export function combiningSequenceProblem(value: string): string | undefined {
  const decomposed = value.normalize("NFD");
  const run = COMBINING_RUN.exec(decomposed);
  if (!run) return undefined;
  const length = [...(/^\p{M}+/u.exec(decomposed.slice(run.index))?.[0] ?? "")].length;
  return `has ${length} combining marks in a row (from character ${decomposed.slice(0, run.index).normalize("NFC").length} on); expected at most ${MAX_COMBINING_MARKS_IN_A_ROW} (Unicode's stream-safe limit, UAX #15)`;
}
