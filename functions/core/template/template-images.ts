import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { LetterpressError } from "../errors";
import type { MarginBoxUrl } from "../style";
import { readImageElement } from "../images/image-element";
import { resolveImage, type TemplateAssets } from "../images/image-source";
import { FROM_DATA, positionOf, readableSkeletonOf } from "./template-markup";

/**
 * The `<img>` elements a template's sources write, found in their Handlebars syntax trees when the
 * template loads: an image whose src is written out (`assets/logo.svg`) is checked then (its file
 * present, readable, within the limits, no remote address, its alt text), every one at once; an
 * image whose src a `{{ }}` makes (`assets/signatures/{{id}}.svg`) is checked when the letter is
 * filled, and named by its source file and line, not by a line of the filled output. Both editions
 * fill the letter, so both meet every problem, whichever is asked for; the letter check fills it
 * too, and names the data that made the src (`FilledImageProblem`).
 */

/** One `<img>` a source writes: where it stands, and its attributes as written (each `{{ }}` as FROM_DATA). */
export interface TemplateImage {
  /** `templates/x/partials/letterhead.hbs line 2, column 19: <img src="assets/logo.svg">` */
  where: string;
  attrs: readonly { name: string; value: string }[];
  /** For a src a `{{ }}` makes: which filled src values it can give (the written parts, anything between them). */
  pattern?: RegExp;
}

type Element = DefaultTreeAdapterTypes.Element;

function imagesIn(node: DefaultTreeAdapterTypes.ParentNode, out: Element[]): Element[] {
  for (const child of node.childNodes) {
    if (!("tagName" in child)) continue;
    if (child.tagName === "img") out.push(child);
    imagesIn(child, out);
  }
  return out;
}

const shown = (text: string) => text.replaceAll(FROM_DATA, "{{…}}");
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One `<img>` of one source, as bundling keeps it (prepared-templates.ts): where in the source, its attributes, its src's pattern. */
export interface SourceImage {
  /** `line 2, column 19: <img src="assets/logo.svg">`: where stands after the source's file name. */
  at: string;
  attrs: readonly { name: string; value: string }[];
  /** The source of TemplateImage.pattern, when a `{{ }}` makes the src. */
  pattern?: string;
}

/** Every `<img>` of one source, in source order, by walking its markup; none when it does not parse (left to the syntax check). */
export function sourceImages(source: string): SourceImage[] {
  const skeleton = /<img/i.test(source) ? readableSkeletonOf(source) : undefined;
  if (!skeleton) return [];
  return imagesIn(parseFragment(skeleton.text, { sourceCodeLocationInfo: true }), []).map((element) => {
    const { line, column } = positionOf(skeleton.segments, element.sourceCodeLocation?.startOffset ?? 0);
    const src = element.attrs.find((attribute) => attribute.name === "src")?.value;
    return {
      at: `line ${line}, column ${column}: <img${src === undefined ? "" : ` src="${shown(src).slice(0, 80)}"`}>`,
      attrs: element.attrs.map(({ name, value }) => ({ name, value })),
      ...(src?.includes(FROM_DATA) ? { pattern: `^${src.split(FROM_DATA).map(escapeRegExp).join("[\\s\\S]*")}$` } : {}),
    };
  });
}

/** A source's images named by its file: from `sourceImages`, or as bundling kept them. */
export function imagesOfSource(file: string, images: readonly SourceImage[]): TemplateImage[] {
  return images.map((image) => ({ where: `${file} ${image.at}`, attrs: image.attrs, pattern: image.pattern === undefined ? undefined : new RegExp(image.pattern) }));
}

/** Every `<img>` of the sources (file name -> text), in source order. A source that does not parse is left to the syntax check. */
export function templateImages(sources: Readonly<Record<string, string>>): TemplateImage[] {
  return Object.entries(sources).flatMap(([file, source]) => imagesOfSource(file, sourceImages(source)));
}

/** The problem of one image, or undefined: its attributes (alt text), then its file. */
function imageProblem(attrs: readonly { name: string; value: string }[], assets: TemplateAssets | undefined, where: string, withFile = true): string | undefined {
  return problemOf(() => {
    const { src } = readImageElement(attrs, where);
    if (withFile) resolveImage(src, assets, where);
  }, where);
}

/** The template error a check throws, as one line that names `where`; undefined when it passes. */
function problemOf(check: () => void, where: string): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    // A file's own problem names the file alone: the element that names it is said too.
    // An SVG's problems come one a line (resolveImage): each line says the element.
    if (error instanceof LetterpressError && error.code === "TEMPLATE_ERROR")
      return error.message
        .split("\n")
        .map((line) => (line.includes(where) ? line : `${line} (named by ${where})`))
        .join("\n");
    throw error;
  }
}

/**
 * The problems of the images a template's stylesheets show in `@page` margin boxes (`content:
 * url("assets/logo.svg")`, `marginBoxUrls`), found when the template loads with the same checks as
 * an `<img>`'s file (present, readable, within the limits, no remote address, a safe SVG), each
 * naming the file, the stylesheet, its line and the margin box. The render checks them again when it
 * draws them (`Composer.marginBoxImageOf`), for a template that never went through this check.
 */
export function marginBoxImageProblems(urls: readonly MarginBoxUrl[], assets: TemplateAssets | undefined): string[] {
  const problems: string[] = [];
  for (const { where, src } of urls) {
    const named = `${where}: url("${src.slice(0, 80)}")`;
    const problem = problemOf(() => resolveImage(src, assets, named), named);
    if (problem !== undefined && !problems.includes(problem)) problems.push(problem);
  }
  return problems;
}

/**
 * The problems of the images a template writes, found when it loads: every image's alt text, and
 * the file of every src written out. A src a `{{ }}` makes is checked at fill (FilledImages).
 */
export function templateImageProblems(images: readonly TemplateImage[], assets: TemplateAssets | undefined): string[] {
  const problems: string[] = [];
  for (const image of images) {
    // A src made by a `{{ }}`: its alt text and role are checked now, its file at fill.
    const problem = imageProblem(image.attrs, assets, image.where, image.pattern === undefined);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** At most this many filled `<img>` tags are remembered per template (a letter has a few; mail merges repeat them). */
const MAX_REMEMBERED = 1024;

/** The problem of one image a `{{ }}` made in a filled letter, with what filled it (for the letter check to name the data). */
export interface FilledImageProblem {
  /** The src as filled: `assets/signatures/sample-legal-aid`. */
  src: string;
  /** What the `{{ }}`s of the source's src gave, in order: `sample-legal-aid`. */
  filledParts: readonly string[];
  /** The problem, naming the file, the source's file and line, the src filled and what is expected. */
  problem: string;
}

/**
 * The check at fill of the images whose src a `{{ }}` makes: each `<img>` of the filled letter is
 * matched to the source image that can write it, and its file checked (present, readable, within
 * the limits, no remote address), the error naming that source's file and line and the src filled.
 */
export class FilledImages {
  private readonly dynamic: readonly { image: TemplateImage; parts: RegExp }[];
  /** Each filled tag checked once: its problem, or null when it has none. */
  private readonly checked = new Map<string, FilledImageProblem | null>();

  constructor(
    images: readonly TemplateImage[],
    private readonly assets: TemplateAssets | undefined,
  ) {
    // The same pattern with each `{{ }}`'s part captured (written parts are escaped, so the wildcard is only theirs).
    this.dynamic = images
      .filter((image) => image.pattern !== undefined)
      .map((image) => ({ image, parts: new RegExp(image.pattern!.source.replaceAll("[\\s\\S]*", "([\\s\\S]*)")) }));
  }

  /** Whether the template writes any image whose src a `{{ }}` makes: else a filled letter has nothing to check. */
  get checksAny(): boolean {
    return this.dynamic.length > 0;
  }

  /** The problems of a filled letter's images made by a `{{ }}`, each naming its source; none when every one is fine. */
  problems(filled: string): string[] {
    return this.problemsOf(filled).map((found) => found.problem);
  }

  /** `problems`, each with the src filled and the parts the `{{ }}`s gave it; each problem once. */
  problemsOf(filled: string): FilledImageProblem[] {
    if (this.dynamic.length === 0 || !filled.includes("<img")) return [];
    const problems: FilledImageProblem[] = [];
    for (const [tag] of filled.matchAll(/<img\b[^>]*>/gi)) {
      let problem = this.checked.get(tag);
      if (problem === undefined) {
        problem = this.check(tag);
        if (this.checked.size >= MAX_REMEMBERED) this.checked.clear();
        this.checked.set(tag, problem);
      }
      if (problem !== null && !problems.some((known) => known.problem === problem!.problem)) problems.push(problem);
    }
    return problems;
  }

  private check(tag: string): FilledImageProblem | null {
    const element = parseFragment(tag).childNodes[0] as Element | undefined;
    const src = element?.attrs.find((attribute) => attribute.name === "src")?.value;
    if (!element || src === undefined) return null;
    const source = this.dynamic.find(({ image }) => image.pattern!.test(src));
    // An image no source writes with a `{{ }}` src: written out (checked at load) or put in by data (the render's checks name it).
    if (!source) return null;
    const problem = imageProblem(element.attrs, this.assets, `${source.image.where} (src filled as "${src.slice(0, 80)}")`);
    return problem === undefined ? null : { src, filledParts: source.parts.exec(src)?.slice(1) ?? [], problem };
  }
}
