// css-tree's parser without its lexer (see css-tree-parts.ts).
import * as csstree from "./css-tree-parts";
import { type FaceStyle, type FamilyId, isTemplateFont, type TemplateFamilyId, templateFamilyId } from "../pdf/font-library";
import { registryFamilyOf } from "./font-families";

/**
 * A template's own typefaces: `@font-face` rules of its print.css, each naming one font file of the
 * template folder (CSS Fonts 4, section 4: one face per rule). The core reads the rules; the
 * template loader (functions/templates/template-fonts.ts) reads and checks the files and appends
 * each file's content hash to its URL (`FONT_HASH_FRAGMENT`), so a face is known by its content
 * wherever the template is rendered, and two templates' "Brand Serif" never meet.
 */
export interface FontFaceRule {
  /** The family name as written. */
  family: string;
  /** The file's URL as written, relative to the template folder (without the loader's fragment). */
  src: string;
  /** The file's content hash (hex), once the template loader has read it; undefined in a sheet parsed alone. */
  hash?: string;
  /** The weights the face stands for, inclusive (CSS Fonts 4 `font-weight` descriptor: one number or a range). */
  weight: readonly [number, number];
  style: "normal" | "italic" | "oblique";
}

/** What the template loader appends to a face's URL: the SHA-256 (hex) of the file's bytes. */
export const FONT_HASH_FRAGMENT = "#letterpress-sha256=";

/** The descriptors read; `font-display` is accepted and has no effect (the HTML edition embeds its faces, blocking). */
const DESCRIPTORS = ["font-family", "src", "font-weight", "font-style", "font-display"];

/** A family name the HTML edition can write inside a CSS string without escaping, and a person can type. */
const FAMILY_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u;

/** Font files read: TrueType or OpenType outlines (WOFF and WOFF2 are compressed forms HarfBuzz does not read). */
const FONT_FILE = /\.(ttf|otf)$/i;

/** A value as its text, for its own parse as a value. */
function descriptorValue(node: csstree.CssNode & { type: "Declaration" }): csstree.Value | null {
  const text = node.value.type === "Raw" ? node.value.value : csstree.generate(node.value);
  try {
    return csstree.parse(text, { context: "value" }) as csstree.Value;
  } catch {
    return null;
  }
}

/** The parts of a value, commas included (css-tree's `Operator`), white space left out. */
function partsOf(value: csstree.Value): csstree.CssNode[] {
  const parts: csstree.CssNode[] = [];
  value.children.forEach((node) => {
    if (node.type !== "WhiteSpace") parts.push(node);
  });
  return parts;
}

/** Why a face's URL cannot name a file of the template folder, or undefined when it can. */
export function fontSourceProblem(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//"))
    return `url("${url}") is not a file of the template folder (a remote, data or file URL); put the font file in the template folder (fonts/) and name it by its relative path`;
  if (/["'\\\n\r]/.test(url)) return `url("${url}") is not a plain relative path; name the font file by its path with forward slashes, without quotes or backslashes`;
  if (url.startsWith("/")) return `url("${url}") is an absolute path; name the font file by its path relative to the template folder (fonts/...)`;
  const segments = url.split("/");
  let depth = 0;
  for (const segment of segments) {
    depth += segment === ".." ? -1 : segment === "." || segment === "" ? 0 : 1;
    if (depth < 0) return `url("${url}") is outside the template folder; the font file must be in the template folder (fonts/)`;
  }
  const woff = /\.(woff2?)$/i.exec(url)?.[1];
  if (woff) return `url("${url}") is a ${woff.toUpperCase()} file; give the TrueType (.ttf) or OpenType (.otf) file it was made from`;
  if (!FONT_FILE.test(url)) return `url("${url}") is not a .ttf or .otf file; expected a TrueType or OpenType font file`;
  return undefined;
}

/** A `format()` after a source's `url()`. */
type FormatHint = csstree.CssNode & { type: "Function" };

/** The `format()` hints of a TrueType or OpenType file: CSS Fonts 4 takes either for both kinds of sfnt. */
const SFNT_FORMATS = ["truetype", "opentype"];
/** Formats Chromium reads, other than the sfnt ones: a source hinted so is loaded, and read by its bytes. */
const OTHER_READ_FORMATS = ["woff", "woff2", "collection"];

/**
 * Why a source's `format()` hint does not name its file's format (a .ttf or .otf: `truetype` or
 * `opentype`), or undefined. A browser skips a source whose hint names a format it does not read
 * (CSS Fonts 4, §4.3), and Chromium reads WOFF, WOFF2 and collections by their bytes whatever the
 * hint: both are said, and refused alike, since the hint then says something the file is not.
 */
function formatHintProblem(url: string, format: FormatHint): string | undefined {
  const values: string[] = [];
  format.children.forEach((node) => {
    if (node.type === "String") values.push(node.value);
    else if (node.type === "Identifier") values.push(node.name);
  });
  const hint = values.length === 1 ? values[0]!.toLowerCase() : undefined;
  if (hint !== undefined && SFNT_FORMATS.includes(hint)) return undefined;
  const written = csstree.generate(format);
  const file = /\.otf$/i.test(url) ? "an OpenType (.otf)" : "a TrueType (.ttf)";
  const chromium =
    hint !== undefined && OTHER_READ_FORMATS.includes(hint)
      ? `Chromium would load the file anyway and read it by its bytes, so the hint only misleads`
      : `Chromium skips a source whose format it does not read, so a browser would not load this face`;
  return `${written} does not name the format of url("${url}"), ${file} file: ${chromium}; write format("${/\.otf$/i.test(url) ? "opentype" : "truetype"}") or leave format() out`;
}

/**
 * The content hashes of the faces a template's stylesheet declares, as the template loader left
 * them in its `@font-face` URLs (`FONT_HASH_FRAGMENT`), in the order declared, each once. None for a
 * sheet parsed alone (no loader), or one that does not parse (its own parse says why).
 */
export function fontFaceHashes(stylesheet: string): string[] {
  if (!stylesheet.includes(FONT_HASH_FRAGMENT)) return [];
  const hashes = new Set<string>();
  let ast: csstree.CssNode;
  try {
    ast = csstree.parse(stylesheet, { parseCustomProperty: false, onParseError: () => {} });
  } catch {
    return [];
  }
  csstree.walk(ast, {
    visit: "Atrule",
    enter(atrule) {
      if (atrule.name.toLowerCase() !== "font-face" || !atrule.block) return;
      csstree.walk(atrule.block, {
        visit: "Url",
        enter(url) {
          const at = url.value.indexOf(FONT_HASH_FRAGMENT);
          if (at !== -1) hashes.add(url.value.slice(at + FONT_HASH_FRAGMENT.length));
        },
      });
    },
  });
  return [...hashes];
}

function weightOf(value: csstree.Value): readonly [number, number] | string {
  const parts = partsOf(value);
  const one = (node: csstree.CssNode | undefined): number | undefined => {
    if (node?.type === "Identifier") return { normal: 400, bold: 700 }[node.name.toLowerCase()];
    if (node?.type === "Number") return Number(node.value);
    return undefined;
  };
  const weights = parts.map(one);
  if (parts.length < 1 || parts.length > 2 || weights.some((weight) => weight === undefined || !(weight >= 1 && weight <= 1000)))
    return "expected normal, bold, a weight from 1 to 1000, or a range of two weights (400 700)";
  const [low, high] = [weights[0]!, weights.at(-1)!];
  return [Math.min(low, high), Math.max(low, high)];
}

/**
 * Reads one `@font-face` rule; its problems are pushed, each naming the sheet, line and descriptor
 * and what is expected. Undefined when the rule cannot be used.
 */
export function readFontFace(atrule: csstree.Atrule, sheetName: string, problems: string[], registryName: (name: string) => boolean): FontFaceRule | undefined {
  const line = (loc: csstree.CssLocation | undefined) => (loc ? `line ${loc.start.line}` : "line ?");
  const at = `${sheetName} ${line(atrule.loc)}, @font-face`;
  const before = problems.length;
  if (atrule.prelude) problems.push(`${at}: @font-face takes no prelude; expected @font-face { font-family: ...; src: url(...) }`);
  if (!atrule.block) {
    problems.push(`${at}: expected a block of descriptors`);
    return undefined;
  }
  let family: string | undefined;
  let src: { url: string; where: string; hash?: string } | undefined;
  let weight: readonly [number, number] = [400, 400];
  let style: FontFaceRule["style"] = "normal";
  atrule.block.children.forEach((node) => {
    if (node.type !== "Declaration") return;
    const descriptor = node.property.toLowerCase();
    const where = `${sheetName} ${line(node.loc)}, @font-face, descriptor ${descriptor}`;
    if (!DESCRIPTORS.includes(descriptor)) {
      problems.push(`${where}: not supported; letterpress reads ${DESCRIPTORS.join(", ")} in @font-face (one face per rule: templates/CSS.md, Fonts)`);
      return;
    }
    const value = descriptorValue(node);
    const parts = value ? partsOf(value) : [];
    if (descriptor === "font-family") {
      const names = parts.map((part) => (part.type === "String" ? part.value : part.type === "Identifier" ? part.name : null));
      const name = names.every((n) => n !== null) && (parts.length === 1 || parts.every((part) => part.type === "Identifier")) ? names.join(" ") : "";
      if (!FAMILY_NAME.test(name)) problems.push(`${where}: expected one family name of letters, digits, spaces, hyphens or underscores ("Brand Serif")`);
      else if (registryName(name)) problems.push(`${where}: "${name}" is a family of the font registry or a generic family; give the template's face a name of its own`);
      else family = name;
    } else if (descriptor === "src") {
      const [first, ...rest] = parts;
      const formatOk = rest.length === 0 || (rest.length === 1 && rest[0]!.type === "Function" && rest[0]!.name.toLowerCase() === "format");
      if (first?.type !== "Url" || !formatOk) {
        problems.push(`${where}: expected one url("fonts/<file>.ttf") (optionally with format(...)); letterpress reads one font file per face, no local() and no list of sources`);
        return;
      }
      const hashAt = first.value.indexOf(FONT_HASH_FRAGMENT);
      const url = hashAt === -1 ? first.value : first.value.slice(0, hashAt);
      const problem = fontSourceProblem(url) ?? (rest[0] ? formatHintProblem(url, rest[0] as FormatHint) : undefined);
      if (problem) problems.push(`${where}: ${problem}`);
      else src = { url, where, ...(hashAt === -1 ? {} : { hash: first.value.slice(hashAt + FONT_HASH_FRAGMENT.length) }) };
    } else if (descriptor === "font-weight") {
      const read = value ? weightOf(value) : "expected a weight";
      if (typeof read === "string") problems.push(`${where}: ${read}`);
      else weight = read;
    } else if (descriptor === "font-style") {
      const name = parts.length === 1 && parts[0]!.type === "Identifier" ? parts[0]!.name.toLowerCase() : "";
      if (name === "normal" || name === "italic" || name === "oblique") style = name;
      else problems.push(`${where}: expected normal, italic or oblique`);
    }
  });
  if (problems.length > before) return undefined;
  if (family === undefined || src === undefined) {
    problems.push(`${at}: ${family === undefined ? "no font-family" : "no src"}; expected @font-face { font-family: "Brand Serif"; src: url("fonts/BrandSerif-Regular.ttf") }`);
    return undefined;
  }
  return { family, src: src.url, ...(src.hash ? { hash: src.hash } : {}), weight, style };
}

/**
 * The face CSS Fonts 4 font matching (section 5.2, step 4) chooses among a family's faces for a
 * style and a weight: font-style first (italic, then oblique, then normal for italic text; normal,
 * oblique, italic for upright), then font-weight (a face whose range holds it; else, for a weight
 * from 400 to 500, the nearest heavier up to 500, then the nearest lighter, then heavier; below 400
 * lighter first; above 500 heavier first). Of faces with the same descriptors, the last declared.
 */
export function matchFace<F extends Pick<FontFaceRule, "weight" | "style">>(faces: readonly F[], italic: boolean, weight: number): F | undefined {
  const styleOrder: FontFaceRule["style"][] = italic ? ["italic", "oblique", "normal"] : ["normal", "oblique", "italic"];
  const wanted = styleOrder.map((style) => faces.filter((face) => face.style === style)).find((group) => group.length > 0);
  if (!wanted) return undefined;
  const last = (group: readonly F[]) => group.at(-1);
  const holding = wanted.filter((face) => face.weight[0] <= weight && weight <= face.weight[1]);
  if (holding.length > 0) return last(holding);
  const heavier = (limit: number) => wanted.filter((face) => face.weight[0] > weight && face.weight[0] <= limit).sort((a, b) => a.weight[0] - b.weight[0]);
  const lighter = () => wanted.filter((face) => face.weight[1] < weight).sort((a, b) => b.weight[1] - a.weight[1]);
  const nearest = (group: readonly F[], edge: (face: F) => number) => last(group.filter((face) => edge(face) === edge(group[0]!)));
  const order: [readonly F[], (face: F) => number][] =
    weight >= 400 && weight <= 500
      ? [
          [heavier(500), (face) => face.weight[0]],
          [lighter(), (face) => face.weight[1]],
          [heavier(Infinity), (face) => face.weight[0]],
        ]
      : weight < 400
        ? [
            [lighter(), (face) => face.weight[1]],
            [heavier(Infinity), (face) => face.weight[0]],
          ]
        : [
            [heavier(Infinity), (face) => face.weight[0]],
            [lighter(), (face) => face.weight[1]],
          ];
  for (const [group, edge] of order) if (group.length > 0) return nearest(group, edge);
  return undefined;
}

/** The four styles the typesetter sets, as CSS asks for them: regular 400, bold 700, each upright and italic. */
const STYLE_REQUESTS: readonly { style: FaceStyle; italic: boolean; weight: number }[] = [
  { style: "regular", italic: false, weight: 400 },
  { style: "bold", italic: false, weight: 700 },
  { style: "italic", italic: true, weight: 400 },
  { style: "bold-italic", italic: true, weight: 700 },
];

/**
 * The families the `@font-face` rules declare, by lowercase name, as the font library's ids: the
 * face font matching chooses for each style the typesetter sets. A family any of whose files the
 * template loader has not read (no hash: a sheet parsed alone) is left out, as a family no face of
 * which loads. A few faces, matched once per styled document.
 */
export function templateFamilies(faces: readonly FontFaceRule[] | undefined): ReadonlyMap<string, TemplateFamilyId> | undefined {
  if (!faces || faces.length === 0) return undefined;
  const byName = new Map<string, FontFaceRule[]>();
  for (const face of faces) byName.set(face.family.toLowerCase(), [...(byName.get(face.family.toLowerCase()) ?? []), face]);
  const families = new Map<string, TemplateFamilyId>();
  for (const [name, group] of byName) {
    if (group.some((face) => face.hash === undefined)) continue;
    const hashes = STYLE_REQUESTS.map(({ italic, weight }) => matchFace(group, italic, weight)!.hash!) as [string, string, string, string];
    families.set(name, templateFamilyId(name, hashes));
  }
  return families;
}

const NO_FALLBACKS: readonly FamilyId[] = [];

/**
 * The families a character the stack's first family lacks is looked for in before the registry's
 * family for its script (`assignFamilies`): the stack's known families after its first, in order,
 * up to the last template family it names. CSS Fonts 4 §5 takes, per character, the first family of
 * `font-family` that has it, and Chromium does: `"Brand Serif", "Brand Sans", var(--font-body)`
 * sets a letter Brand Serif lacks in Brand Sans. A stack naming no template family after its first
 * gets none (the same empty array): the registry's per-script fallback, which follows Chromium's.
 * A few map lookups per stack, as `cjkFamiliesOfStack`; the PDF's layout keeps the answer per stack.
 *
 * @param fontFamily a computed `font-family` (template families as their ids, `templateFamilies`)
 */
export function stackFallbacks(fontFamily: readonly string[]): readonly FamilyId[] {
  const known = fontFamily.map(registryFamilyOf).filter((family): family is FamilyId => family !== undefined);
  const lastTemplate = known.findLastIndex((family, i) => i > 0 && isTemplateFont(family));
  if (lastTemplate === -1) return NO_FALLBACKS;
  return known.slice(1, lastTemplate + 1).filter((family, i, all) => family !== known[0] && all.indexOf(family) === i);
}
