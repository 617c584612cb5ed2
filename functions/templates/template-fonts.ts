import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import fontkit = require("fontkit");
import * as csstree from "../core/style/css-tree-parts";
import { FONT_HASH_FRAGMENT, fontSourceProblem } from "../core/style/font-faces";
import { registerTemplateFont } from "../fonts/load-font-library";

/**
 * Bounds on a template's own fonts (`@font-face` in its print.css): every render process keeps the
 * files it loads in memory. 20 MB holds a full CJK face (Noto Sans SC is 10 MB).
 */
export const TEMPLATE_FONT_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxFaces: 32,
} as const;

/** OS/2 fsType (OpenType spec, OS/2 table): the licence's embedding bits. */
const FS_TYPE = {
  /** Restricted License embedding: the face must not be embedded in a document. */
  restricted: 0x0002,
  /** No subsetting: the whole face must be embedded; both editions embed subsets. */
  noSubsetting: 0x0100,
  /** Bitmap embedding only: no outlines may be embedded. */
  bitmapOnly: 0x0200,
} as const;

/** The first four bytes of an sfnt font: TrueType outlines (0x00010000 or 'true') or CFF outlines ('OTTO'). */
const SFNT_TAGS = new Set(["00010000", "74727565", "4f54544f"]);

/** Why these bytes cannot be a template's face, or the parsed font's OS/2 fsType when they can. */
function fontProblem(bytes: Buffer): string | { fsType: number } {
  const tag = bytes.subarray(0, 4).toString("hex");
  if (!SFNT_TAGS.has(tag)) {
    const kind = { "774f4646": "a WOFF file", "774f4632": "a WOFF2 file", "74746366": "a font collection (.ttc)" }[tag];
    return `is ${kind ?? "not a font"}; expected a TrueType (.ttf) or OpenType (.otf) font file`;
  }
  let font: fontkit.Font | fontkit.FontCollection;
  try {
    font = fontkit.create(bytes);
  } catch (error) {
    return `is not a font that can be read (${(error as Error).message}); expected a TrueType (.ttf) or OpenType (.otf) font file`;
  }
  if (!("layout" in font)) return "is a font collection; expected one face per file";
  if (font.numGlyphs < 2 || !font.characterSet?.length) return "has no glyphs for any character; expected a text face";
  // fontkit reads fsType as flags (bits 1, 2, 3, 8, 9); rebuilt as the number the OpenType spec describes.
  const flags = (font as unknown as { "OS/2"?: { fsType?: Record<string, boolean> } })["OS/2"]?.fsType ?? {};
  const fsType =
    (flags.noEmbedding ? 0x0002 : 0) |
    (flags.viewOnly ? 0x0004 : 0) |
    (flags.editable ? 0x0008 : 0) |
    (flags.noSubsetting ? FS_TYPE.noSubsetting : 0) |
    (flags.bitmapOnly ? FS_TYPE.bitmapOnly : 0);
  return { fsType };
}

/** Why a face's licence bits forbid what both editions do with it (embed a subset of its outlines), or undefined. */
function licenceProblem(fsType: number): string | undefined {
  // Bits 1-3 are levels (installable 0, restricted 2, preview & print 4, editable 8); where several are set the least restrictive holds.
  if (fsType & FS_TYPE.restricted && !(fsType & 0x000c))
    return "its licence forbids embedding it in a document (OS/2 fsType has the Restricted License bit, 0x0002); use a face whose licence allows embedding";
  if (fsType & FS_TYPE.noSubsetting) return "its licence forbids subsetting it (OS/2 fsType 0x0100); letterpress embeds the glyphs a document uses";
  if (fsType & FS_TYPE.bitmapOnly) return "its licence allows embedding its bitmaps only (OS/2 fsType 0x0200); letterpress embeds outlines";
  return undefined;
}

/**
 * The path of the template folder's file that `relative` names in another letter case
 * (`FONTS/X.TTF` for fonts/x.ttf), or undefined when there is none or more than one: a file system
 * that tells case apart (Linux, a Lambda's) finds no file by the name as written.
 */
async function pathInOtherCase(folder: string, relative: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const segment of relative.split("/").filter((part) => part !== "" && part !== ".")) {
    if (segment === "..") return undefined;
    let names: string[];
    try {
      names = await readdir(join(folder, ...found));
    } catch {
      return undefined;
    }
    const same = names.filter((name) => name.toLowerCase() === segment.toLowerCase());
    if (same.length !== 1) return undefined;
    found.push(same[0]!);
  }
  const path = found.join("/");
  return path === relative ? undefined : path;
}

/** One `src: url(...)` of an `@font-face` rule, where it is in the sheet's text. */
interface FaceSource {
  url: string;
  where: string;
  start: number;
  end: number;
}

function faceSources(stylesheet: string, sheetName: string): FaceSource[] {
  const sources: FaceSource[] = [];
  let ast: csstree.CssNode;
  try {
    ast = csstree.parse(stylesheet, { positions: true, parseCustomProperty: false, onParseError: () => {} });
  } catch {
    // The stylesheet's own parse reports what does not read.
    return sources;
  }
  csstree.walk(ast, {
    visit: "Atrule",
    enter(atrule) {
      if (atrule.name.toLowerCase() !== "font-face" || !atrule.block) return;
      atrule.block.children.forEach((node) => {
        if (node.type !== "Declaration" || node.property.toLowerCase() !== "src") return;
        const where = `${sheetName} line ${node.loc?.start.line ?? "?"}, @font-face, descriptor src`;
        csstree.walk(node, {
          visit: "Url",
          enter(url) {
            if (url.loc) sources.push({ url: url.value, where, start: url.loc.start.offset, end: url.loc.end.offset });
          },
        });
      });
    },
  });
  return sources;
}

/**
 * Reads the font files a template's print.css names in its `@font-face` rules, from the template
 * folder, and checks each: a regular file of the folder, at most 20 MB, a TrueType or
 * OpenType face, whose licence allows embedding a subset. Each face is registered with the font
 * library under its content hash (SHA-256, hex), and its URL in the returned stylesheet carries
 * that hash (`FONT_HASH_FRAGMENT`), on the same line, so every later parse of the sheet (run time,
 * prepared templates) finds the face by content. A URL the core refuses (remote, outside the
 * folder, not .ttf/.otf) is left for the stylesheet's own parse to report with its descriptor.
 *
 * @returns the stylesheet with hashed URLs, and one problem line per file that cannot be used
 *   (`templates/x/print.css line 3, @font-face, descriptor src: url("fonts/a.ttf") ...`)
 */
export async function loadTemplateFonts(folder: string, stylesheet: string, sheetName: string): Promise<{ stylesheet: string; problems: string[] }> {
  const problems: string[] = [];
  // A hash written by hand is no proof of the file: every URL is hashed from the file read now.
  const sources = faceSources(stylesheet, sheetName)
    .map((source) => ({ ...source, url: source.url.split(FONT_HASH_FRAGMENT)[0]! }))
    .filter((source) => fontSourceProblem(source.url) === undefined);
  if (sources.length > TEMPLATE_FONT_LIMITS.maxFaces) {
    return { stylesheet, problems: [`${sheetName}: ${sources.length} @font-face files; a template may have at most ${TEMPLATE_FONT_LIMITS.maxFaces} faces`] };
  }
  let text = stylesheet;
  // From the end, so the offsets of the URLs before stay right.
  for (const source of [...sources].sort((a, b) => b.start - a.start)) {
    const say = (why: string) => problems.unshift(`${source.where}: url("${source.url}") ${why}`);
    const path = join(folder, source.url);
    try {
      const stat = await lstat(path);
      if (stat.isSymbolicLink()) {
        say("is a symbolic link; a template's font files must be regular files (the deployed copy holds no links): copy the file here instead");
        continue;
      }
      if (!stat.isFile()) {
        say("is not a file; expected a font file");
        continue;
      }
      if (stat.size > TEMPLATE_FONT_LIMITS.maxBytes) {
        say(`has ${stat.size} bytes; a template's font file may have at most 20 MB (${TEMPLATE_FONT_LIMITS.maxBytes} bytes)`);
        continue;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") say(`cannot be read (${code ?? (error as Error).message})`);
      else {
        const meant = await pathInOtherCase(folder, source.url);
        say(`is missing: no such file in the template folder (${folder})${meant ? `; did you mean url("${meant}")? (the file's name differs in letter case)` : ""}`);
      }
      continue;
    }
    const bytes = await readFile(path);
    if (bytes.byteLength > TEMPLATE_FONT_LIMITS.maxBytes) {
      say(`has ${bytes.byteLength} bytes; a template's font file may have at most 20 MB (${TEMPLATE_FONT_LIMITS.maxBytes} bytes)`);
      continue;
    }
    const read = fontProblem(bytes);
    if (typeof read === "string") {
      say(read);
      continue;
    }
    const licence = licenceProblem(read.fsType);
    if (licence) {
      say(`cannot be used: ${licence}`);
      continue;
    }
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 32);
    registerTemplateFont(hash, bytes);
    text = `${text.slice(0, source.start)}url("${source.url}${FONT_HASH_FRAGMENT}${hash}")${text.slice(source.end)}`;
  }
  return { stylesheet: text, problems };
}
