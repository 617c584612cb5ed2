import {
  FAMILIES,
  FAMILY_IDS,
  type FaceId,
  type FamilyId,
  type FontLibrary,
  faceOf,
  facesInOrder,
  isTemplateFont,
  type RegistryFamilyId,
  type TextStyle,
  templateFaceParts,
} from "../pdf/font-library";
import { cjkFamiliesOfStack, familyOfStack, markerText } from "../pdf/layout";
import { type Box, BoxBuilder, type Inline, inlineText, type ParsedLetter, parseLetter, type TextNode } from "../pdf/letter-tree";
import { assignFamilies, hanFamilyOf } from "../pdf/shaping";
import type { TemplateAssets } from "../images/image-source";
import { cacheKind, LruCache } from "../pdf/cache";
import { type ComputedStyle, type ContentPart, type PageBox, type ParsedStylesheets, parseStylesheets, type StyledDocument, type StylesheetSource, styleDocument } from "../style";
import { formatCounter } from "../style/counter-styles";
import { stackFallbacks } from "../style/font-faces";

/**
 * The HTML edition's fonts: the faces of the font registry that the PDF sets the letter's text in,
 * each cut down to the characters it sets, so that the browser draws every character with the same
 * face as the PDF and never with whatever the reader's machine has installed.
 */

/** The characters each face sets, in code point order, for the faces the document uses. */
export type FontUsage = ReadonlyMap<FaceId, string>;

/** Subsets faces of the registry to WOFF2 (functions/fonts/web-fonts.ts binds it to the font files). */
export interface WebFontSource {
  /** The PDF's font library: which face has which character, as the PDF's fallback decides. */
  fonts: FontLibrary;
  /** A WOFF2 font with exactly the face's glyphs for these characters (and what shaping them needs). */
  subset(face: FaceId, characters: string): Promise<Uint8Array>;
  /**
   * The UTF-8 bytes `rules` makes for the font usage `usageKey` names (`usageKey`), kept with the
   * subsets: a mail merge's pages embed the same rules, hundreds of kilobytes, letter after letter.
   * Without it they are made for every page.
   */
  ruleBytes?(usageKey: string, rules: () => Promise<Uint8Array>): Promise<Uint8Array>;
}

/**
 * One run of text the usage was collected from: its text, its font stack's first registry family
 * and its face style. `inline` is the flow text it came from (null for markers and margin boxes,
 * and for text a running header repeats), which a letter of the same shape may replace.
 */
export interface UsageRun {
  text: string;
  primary: FamilyId;
  style: TextStyle;
  inline: string | null;
  /** The text inline the run was read from (null where `inline` is): `StyledLetter.sources` names its text node. */
  from: Inline | null;
  /** The family of the Han characters `primary` lacks, as the PDF chooses it (`hanFamilyOf` the stack and the text's language). */
  han: FamilyId;
  /** The stack's families a character `primary` lacks is looked for in first, as the PDF does (`stackFallbacks`). */
  fallbacks: readonly FamilyId[];
}

/** A soft hyphen prints as a hyphen where the line breaks at it; both editions may pick either form. */
function withHyphens(text: string): string {
  return text.includes("\u00ad") ? `${text}-\u2010` : text;
}

/** Collects characters per face, as the PDF's fallback assigns them. */
export class UsageCollector {
  private readonly used = new Map<FaceId, Set<number>>();
  /** Every run added, in order: what `usageOfRuns` recomputes a letter's usage from. */
  readonly runs: UsageRun[] = [];

  constructor(private readonly fonts: FontLibrary) {}

  /** Adds a run of text set in `style`, whose font stack's first registry family is `primary` and whose Han the primary lacks is set in `han`. */
  add(
    text: string,
    primary: FamilyId,
    style: TextStyle,
    inline: string | null = null,
    han: FamilyId = "sc",
    from: Inline | null = null,
    fallbacks: readonly FamilyId[] = [],
  ): void {
    this.runs.push({ text, primary, style, inline, from, han, fallbacks });
    this.settled = undefined;
    if (text === "") return;
    for (const [face, codePoints] of this.facesOfRun(text, primary, style, han, fallbacks)) {
      let characters = this.used.get(face);
      if (!characters) this.used.set(face, (characters = new Set()));
      for (const codePoint of codePoints) characters.add(codePoint);
    }
  }

  /** Whether this collector already holds every character of the run, in the face the run sets it in: adding it would change nothing. */
  holds(text: string, primary: FamilyId, style: TextStyle, han: FamilyId, fallbacks: readonly FamilyId[]): boolean {
    if (text === "") return true;
    return this.facesOfRun(text, primary, style, han, fallbacks).every(([face, codePoints]) => {
      const characters = this.used.get(face);
      return characters !== undefined && codePoints.every((codePoint) => characters.has(codePoint));
    });
  }

  /** The faces and characters of one run, from the font library's cache. */
  private facesOfRun(text: string, primary: FamilyId, style: TextStyle, han: FamilyId, fallbacks: readonly FamilyId[]): readonly (readonly [FaceId, readonly number[]])[] {
    const key = `${primary}\u0000${han}\u0000${fallbacks.join(" ")}\u0000${style.bold ? 1 : 0}${style.italic ? 1 : 0}\u0000${text}`;
    const runUsage = this.fonts.caches.of(FACE_USAGE);
    let faces = runUsage.get(key);
    if (!faces) runUsage.set(key, (faces = this.facesOf(text, primary, style, han, fallbacks)));
    return faces;
  }

  private facesOf(text: string, primary: FamilyId, style: TextStyle, han: FamilyId, fallbacks: readonly FamilyId[]): (readonly [FaceId, readonly number[]])[] {
    const used = new Map<FaceId, Set<number>>();
    const families = assignFamilies(this.fonts, text, primary, style, han, fallbacks);
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i)!;
      // A forced line break is no glyph.
      if (codePoint !== 0x0a) {
        const face = faceOf(families[i]!, style);
        let characters = used.get(face);
        if (!characters) used.set(face, (characters = new Set()));
        characters.add(codePoint);
        // A face that sets a soft hyphen has a space too: Chromium's HarfBuzz hides the soft hyphen as that
        // face's space glyph, so the face keeps it (as the PDF does, assignFamilies); without one the soft
        // hyphen went to the next face, and the word's run in the PDF was split where Chromium's was not.
        if (codePoint === 0xad) characters.add(0x20);
        // A shaper may draw a character as its decomposition (HarfBuzz draws Thai SARA AM as NIKHAHIT
        // and SARA AA): the face keeps those too, else the browser takes them from the machine's fonts.
        const char = String.fromCodePoint(codePoint);
        for (const part of `${char.normalize("NFD")}${char.normalize("NFKD")}`) {
          const partCodePoint = part.codePointAt(0)!;
          if (partCodePoint !== codePoint && !characters.has(partCodePoint) && this.fonts.shaper(face).covers(partCodePoint)) characters.add(partCodePoint);
        }
      }
      i += codePoint > 0xffff ? 2 : 1;
    }
    return [...used].map(([face, characters]) => [face, [...characters]] as const);
  }

  /** Adds inline text of a block of `block` style in the document's `language`, with the PDF's rules for italics and for Han. */
  addInlines(inlines: readonly Inline[], block: ComputedStyle, repeated: boolean, language = ""): void {
    const primary = familyOfStack(block.fontFamily);
    const cjk = cjkFamiliesOfStack(block.fontFamily);
    const fallbacks = stackFallbacks(block.fontFamily);
    // As the PDF does: a family without an italic face sets emphasis upright, fallback characters included.
    const italics = faceOf(primary, { bold: false, italic: true }) !== faceOf(primary, { bold: false, italic: false });
    for (const inline of inlines) {
      if (inline.kind === "image" && inline.image.style.verticalAlign === "middle") this.keepXHeight(primary);
      if (inline.kind !== "text") continue;
      const style = { bold: inline.style.bold, italic: italics && inline.style.italic };
      this.add(withHyphens(inline.text), primary, style, repeated ? null : inline.text, hanFamilyOf(cjk, inline.style.lang ?? language), repeated ? null : inline, fallbacks);
    }
  }

  /**
   * An image aligned `middle` sits half the parent's x-height above the baseline, which Chromium
   * (Skia) reads from the face's OS/2 sxHeight or, without one, from the outline of its "x". Noto
   * Naskh Arabic has no sxHeight: a subset without "x" gave Chromium another x-height than the
   * whole face gives the PDF (0.536 em), and the image's line was 3pt taller. The subset keeps "x".
   */
  private keepXHeight(primary: FamilyId): void {
    // A run of its own, so that the usage of runs (`usageWithout`) keeps it too.
    if (this.fonts.shaper(faceOf(primary, { bold: false, italic: false })).covers(0x78)) this.add("x", primary, { bold: false, italic: false });
  }

  /** The result as of the last `add`: the same object until more is added. */
  private settled: FontUsage | undefined;

  result(): FontUsage {
    if (this.settled) return this.settled;
    this.settled = this.collect();
    return this.settled;
  }

  /**
   * What `result` would give after adding these runs, without adding them: the characters they bring
   * merged into the result's (a mail merge's reader brings a few; copying every face's set was most of it).
   */
  resultWith(runs: readonly Pick<UsageRun, "text" | "primary" | "style" | "han" | "fallbacks">[]): FontUsage {
    const brought = new Map<FaceId, Set<number>>();
    for (const run of runs) {
      if (run.text === "") continue;
      for (const [face, codePoints] of this.facesOfRun(run.text, run.primary, run.style, run.han, run.fallbacks)) {
        const held = this.used.get(face);
        for (const codePoint of codePoints) {
          if (held?.has(codePoint)) continue;
          let extra = brought.get(face);
          if (!extra) brought.set(face, (extra = new Set()));
          extra.add(codePoint);
        }
      }
    }
    const base = this.result();
    if (brought.size === 0) return base;
    const usage = new Map<FaceId, string>();
    for (const face of facesInOrder([...base.keys(), ...brought.keys()])) {
      const characters = base.get(face);
      const extra = brought.get(face);
      if (!extra) {
        if (characters !== undefined) usage.set(face, characters);
        continue;
      }
      const codePoints = [...extra];
      if (characters !== undefined) for (const char of characters) codePoints.push(char.codePointAt(0)!);
      usage.set(face, String.fromCodePoint(...codePoints.sort((a, b) => a - b)));
    }
    return usage;
  }

  private collect(): FontUsage {
    const usage = new Map<FaceId, string>();
    // Registry order (then template faces), code point order: the same document always gives the same rules and bytes.
    for (const face of facesInOrder(this.used.keys())) {
      const characters = this.used.get(face);
      if (characters) usage.set(face, String.fromCodePoint(...[...characters].sort((a, b) => a - b)));
    }
    return usage;
  }
}

function styleOfBox(style: ComputedStyle): TextStyle {
  return { bold: style.fontWeight >= 600, italic: style.fontStyle === "italic" };
}

const digitsOfStyle = new Map<string, string>();

/** Every digit a page counter of this style can print. */
function counterDigits(style = "decimal"): string {
  return remember(digitsOfStyle, style, 64, () => Array.from({ length: 10 }, (_, digit) => formatCounter(digit, style)).join(""));
}

/** The characters a margin box can print: its text, every digit of its counters, the running strings' texts, and the ellipsis that cuts it. */
function marginBoxText(content: readonly ContentPart[], runningStrings: ReadonlyMap<string, string>): string {
  const parts = content.map((part) =>
    part.kind === "text" ? part.text : part.kind === "counter" ? counterDigits(part.style) : part.kind === "string" ? (runningStrings.get(part.name) ?? "") : "",
  );
  return `${parts.join("")}\u2026`;
}

/** Bounded memo of small maps: the oldest entry goes first (Map keeps insertion order). */
function remember<V>(cache: Map<string, V>, key: string, limit: number, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
  return value;
}

/** The faces and characters of one run of text, in the font library's caches (the faces are its): a mail merge sets the same paragraphs letter after letter. */
const FACE_USAGE = cacheKind<string, readonly (readonly [FaceId, readonly number[]])[]>("faceUsage", {
  sizeOf: (key, faces) => LruCache.weigh.string(key) + faces.reduce((sum, [, codePoints]) => sum + 64 + codePoints.length * 8, 0),
});

/** The filled letter parsed and styled as the PDF does it: its computed styles, page styles and boxes. */
export interface StyledLetter {
  styled: StyledDocument;
  boxes: Box;
  /** The letter's language (its `lang`): the PDF shapes its text, and chooses the face of its Han, in it. */
  lang?: string;
  /** Given `withSources`: the parsed root (with source locations) and the text node each text inline was read from. */
  root?: ParsedLetter["root"];
  sources?: ReadonlyMap<Inline, TextNode>;
}

/**
 * The parse and style stages of the PDF, for the HTML edition's questions about fonts and margin
 * boxes. `parsed` is the same stylesheets already parsed by the template that owns them; parsed here when not given.
 */
export function styleLetter(
  filledTemplate: string,
  stylesheets: readonly StylesheetSource[],
  images?: TemplateAssets,
  parsed?: ParsedStylesheets,
  withSources = false,
): StyledLetter {
  const letter = parseLetter(filledTemplate, withSources);
  const styled = styleDocument(letter.root, parsed ?? parseStylesheets(stylesheets));
  const sources = withSources ? new Map<Inline, TextNode>() : undefined;
  const boxes = new BoxBuilder(styled, images, undefined, sources).build(letter);
  return { styled, boxes, lang: letter.lang, ...(sources ? { root: letter.root, sources } : {}) };
}

/**
 * The characters each face of the registry sets in this document: the letter's text, list
 * markers, and the margin boxes (page label digits, running title), found as the PDF finds them:
 * the same parse and style stages (`styleLetter`), the same first family of each font stack, the
 * same per-character fallback (`assignFamilies`) and the same bold and italic faces.
 */
export function fontUsage(fonts: FontLibrary, letter: StyledLetter): FontUsage {
  return collectUsage(fonts, letter).result();
}

/** The runs of text a letter's font usage comes from (`fontUsage`), for `usageOfRuns`. */
export function usageRuns(fonts: FontLibrary, letter: StyledLetter): { usage: FontUsage; runs: readonly UsageRun[] } {
  const collector = collectUsage(fonts, letter);
  return { usage: collector.result(), runs: collector.runs };
}

/** The characters per face of every run but the skipped ones (by index). */
export function usageWithout(fonts: FontLibrary, runs: readonly UsageRun[], skipped: ReadonlySet<number>): UsageCollector {
  const collector = new UsageCollector(fonts);
  runs.forEach((run, i) => {
    if (!skipped.has(i)) collector.add(run.text, run.primary, run.style, run.inline, run.han, run.from, run.fallbacks);
  });
  return collector;
}

/**
 * The font usage of a letter whose runs are `runs`, some of their flow texts replaced (by run
 * index), from `others` (`usageWithout` the replaced runs): what `fontUsage` gives for a letter
 * of the same shape with those texts.
 */
export function usageOfRuns(others: UsageCollector, runs: readonly UsageRun[], replaced: ReadonlyMap<number, string>): FontUsage {
  // A reader whose words bring no character the rest of the letter lacks: the rest's usage, the same object each time.
  if ([...replaced].every(([i, text]) => others.holds(withHyphens(text), runs[i]!.primary, runs[i]!.style, runs[i]!.han, runs[i]!.fallbacks))) return others.result();
  return others.resultWith([...replaced].map(([i, text]) => ({ ...runs[i]!, text: withHyphens(text) })));
}

function collectUsage(fonts: FontLibrary, { styled, boxes: root, lang = "" }: StyledLetter): UsageCollector {
  const collector = new UsageCollector(fonts);
  const hanOf = (style: ComputedStyle) => hanFamilyOf(cjkFamiliesOfStack(style.fontFamily), lang);
  // Text set whole in one style, in its stack's families (a list marker, a margin box).
  const addInStyle = (text: string, style: ComputedStyle) =>
    collector.add(text, familyOfStack(style.fontFamily), styleOfBox(style), null, hanOf(style), null, stackFallbacks(style.fontFamily));
  const runningStrings = new Map<string, string[]>();

  const visit = (box: Box): void => {
    if (box.ordinal !== undefined || box.style.display === "list-item") {
      // Chromium draws the marker followed by a space, in the item's font.
      const marker = markerText(box.style, box.ordinal ?? 1);
      if (marker) addInStyle(`${box.style.listStyleType === "decimal" ? counterDigits("decimal") : ""}${marker} `, box.style);
    }
    if (box.content.kind === "inline") {
      const stringSet = box.style.stringSet;
      // Text a running header repeats is not the flow's alone: a letter that changes it is styled anew.
      collector.addInlines(box.content.inlines, box.style, stringSet !== null && stringSet !== undefined, lang);
      if (stringSet) {
        const values = runningStrings.get(stringSet.name) ?? [];
        values.push(stringSet.value === "text" ? inlineText(box.content.inlines).replace(/\n/g, " ") : stringSet.value);
        runningStrings.set(stringSet.name, values);
      }
    } else if (box.content.kind === "blocks") box.content.children.forEach(visit);
    else if (box.content.kind === "table") {
      const { caption, groups } = box.content.table;
      if (caption) visit(caption);
      for (const group of groups) for (const row of group.rows) row.cells.forEach(visit);
    }
    // An image draws no text: its alt text is for readers of the structure, in both editions.
  };
  visit(root);

  const strings = new Map([...runningStrings].map(([name, values]) => [name, values.join(" ")]));
  for (const page of [styled.page(true), styled.page(false)]) {
    for (const box of Object.values(page.boxes) as PageBox[]) addInStyle(marginBoxText(box.content, strings), box.style);
  }
  return collector;
}

function faceDescriptors(face: FaceId): { family: string; weight: string; style: string } {
  const split = face.indexOf("-");
  // A template's face: under its family's name as the template's stylesheet names it.
  const { family, variant } = isTemplateFont(face)
    ? { family: templateFaceParts(face).family, variant: templateFaceParts(face).style }
    : { family: FAMILIES[face.slice(0, split) as RegistryFamilyId].name, variant: face.slice(split + 1) };
  return {
    family,
    // The PDF sets a weight of 600 or more in the bold face: the ranges make the browser choose alike.
    weight: variant.startsWith("bold") ? "600 1000" : "1 599",
    style: variant.endsWith("italic") ? "italic" : "normal",
  };
}

/** `@font-face` rules by the subset bytes they embed (which the web font source keeps), then face. */
const faceRules = new WeakMap<Uint8Array, Map<FaceId, string>>();

/**
 * `@font-face` rules for the subsets, under the registry's family names (the names the font
 * stacks use), as data: URIs the page's Content-Security-Policy allows (`font-src data:`).
 * Font synthesis is off: where the PDF has no bold or italic face it sets the regular one, and so
 * does the browser.
 */
export function fontFaceRules(subsets: ReadonlyMap<FaceId, Uint8Array>): string {
  const rules = [...subsets].map(([face, bytes]) => {
    // The web font source keeps its subsets: the same bytes give the same rule, encoded once.
    const byFace = faceRules.get(bytes);
    const known = byFace?.get(face);
    if (known !== undefined) return known;
    const { family, weight, style } = faceDescriptors(face);
    const source = `url(data:font/woff2;base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}) format("woff2")`;
    const rule = `@font-face { font-family: "${family}"; font-weight: ${weight}; font-style: ${style}; font-display: block; src: ${source}; }`;
    if (byFace) byFace.set(face, rule);
    else faceRules.set(bytes, new Map([[face, rule]]));
    return rule;
  });
  // A family of the font stacks that embeds no face would be looked up among the reader's installed
  // fonts (Chromium does, even past an @font-face whose source fails): the installed Noto Sans then drew
  // "™️" that the PDF sets in Noto Emoji. A face that covers only U+10FFFF (a noncharacter no letter
  // holds, so it is never loaded) claims the name, and the browser moves on to the next family.
  const embedded = new Set([...subsets.keys()].map((face) => faceDescriptors(face).family));
  const masks = FAMILY_IDS.filter((family) => !embedded.has(FAMILIES[family].name)).map(
    (family) => `@font-face { font-family: "${FAMILIES[family].name}"; src: url(data:font/woff2;base64,); unicode-range: U+10FFFF; }`,
  );
  return [...rules, ...masks, "@layer user-agent { html { font-synthesis: none; } }"].join("\n");
}

/**
 * The HTML edition's embedded fonts as CSS: the faces and characters the document uses
 * (`fontUsage`), subset to WOFF2 by the source, as `@font-face` rules (`fontFaceRules`).
 * Deterministic: the same document and fonts give the same string.
 */
export async function embeddedFontCss(source: WebFontSource, letter: StyledLetter): Promise<string> {
  return fontCssOf(source, fontUsage(source.fonts, letter));
}

/** The keys of usages the caches keep (a merge's, a letter shape's): each made once. */
const usageKeys = new WeakMap<FontUsage, string>();

/** Names a font usage: the same faces with the same characters, the same key. */
export function usageKey(usage: FontUsage): string {
  let key = usageKeys.get(usage);
  if (key === undefined) usageKeys.set(usage, (key = [...usage].map(([face, characters]) => `${face}\u0001${characters}`).join("\u0000")));
  return key;
}

/** The `@font-face` rules of a font usage as UTF-8 (`fontCssOf`), kept by the source when it keeps them. */
export function fontCssBytesOf(source: WebFontSource, usage: FontUsage, key = usageKey(usage)): Promise<Uint8Array> {
  const rules = async () => Buffer.from(await fontCssOf(source, usage), "utf8");
  return source.ruleBytes ? source.ruleBytes(key, rules) : rules();
}

/** The `@font-face` rules of the subsets of a font usage (`fontUsage`), and the rules that load each face with the page (`fontLoadingMarkup`). */
export async function fontCssOf(source: WebFontSource, usage: FontUsage): Promise<string> {
  const subsets = new Map<FaceId, Uint8Array>();
  for (const [face, characters] of usage) subsets.set(face, await source.subset(face, characters));
  return `${fontFaceRules(subsets)}\n${fontLoadingRules(usage)}`;
}

/** The class of the page's hidden element that sets one character in each embedded face (`fontLoadingMarkup`). */
const FONT_LOADING_CLASS = "letterpress-font-loading";

/**
 * Rules that set one character of each face of a usage in a hidden element of the page (its n-th child
 * for the n-th face), so that every face loads with the page. A face set only in a margin box (a bold
 * running title in a template's own family) was otherwise first asked for when the page was printed, and
 * Chromium printed that box while it loaded: empty (font-display: block), no footer on any page.
 */
export function fontLoadingRules(usage: FontUsage): string {
  const faces = [...usage].map(([face, characters], index) => {
    const { family, weight, style } = faceDescriptors(face);
    const character = JSON.stringify(String.fromCodePoint(characters.codePointAt(0) ?? 0x20));
    // The first weight of the face's range: the browser takes this face for it.
    return `.${FONT_LOADING_CLASS} > :nth-child(${index + 1})::before { content: ${character}; font-family: "${family}"; font-weight: ${weight.split(" ")[0]}; font-style: ${style}; }`;
  });
  if (faces.length === 0) return "";
  // Laid out (so its faces load) and never seen, printed or read: visibility, not display: none, which loads nothing.
  return [`.${FONT_LOADING_CLASS} { position: absolute; top: 0; left: 0; width: 0; height: 0; overflow: hidden; visibility: hidden; }`, ...faces].join("\n");
}

/** The hidden element `fontLoadingRules` sets its characters in: one empty child per face of the usage. */
export function fontLoadingMarkup(usage: FontUsage): string {
  return usage.size === 0 ? "" : `<div class="${FONT_LOADING_CLASS}" aria-hidden="true">${"<span></span>".repeat(usage.size)}</div>`;
}
