import type { LocaleInfo } from "../locales";
import { type FontLibrary, primaryFamilyOf, type TextStyle } from "./font-library";
import type { Block, Inline, LetterTree, ParagraphRole } from "./letter-tree";
import { type Align, type Line, type ParagraphSpec, type ScriptRules, setParagraph, type StyledText } from "./paragraph";

/** A node of the PDF's logical structure tree (ISO 32000 standard structure types). */
export interface StructNode {
  type: "Document" | "Sect" | "Div" | "H1" | "H2" | "H3" | "P" | "BlockQuote" | "L" | "LI" | "Lbl" | "LBody" | "Note";
  children: StructNode[];
}

export interface PlacedLine {
  kind: "line";
  /** Left edge and top of the line box, in points from the page's top left corner. */
  x: number;
  y: number;
  line: Line;
  /** The structure element the line's text belongs to; null for page artifacts (the running footer). */
  node: StructNode | null;
}

export interface PlacedRule {
  kind: "rule";
  x: number;
  y: number;
  width: number;
  height: number;
  color: string;
}

export type PageItem = PlacedLine | PlacedRule;

export interface Page {
  items: PageItem[];
}

export interface PageGeometry {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

const MM = 72 / 25.4;

export const PAPER: Readonly<Record<"A4" | "Letter", PageGeometry>> = {
  A4: { width: 595.28, height: 841.89, margin: { top: 22 * MM, right: 22 * MM, bottom: 26 * MM, left: 22 * MM } },
  Letter: { width: 612, height: 792, margin: { top: 20 * MM, right: 22 * MM, bottom: 24 * MM, left: 22 * MM } },
};

const INK = "#1a1a1a";
const MUTED = "#555555";
const RULE = "#b8b8b8";
const BODY_SIZE = 10.5;

interface RoleStyle {
  size: number;
  color: string;
  align: Align;
  bold?: boolean;
  italic?: boolean;
  before: number;
  after: number;
}

/** The PDF's counterpart of templates/print.css, one entry per paragraph class. */
const ROLE_STYLES: Readonly<Record<ParagraphRole, RoleStyle>> = {
  body: { size: BODY_SIZE, color: INK, align: "justify", before: 0, after: 7 },
  sender: { size: 11.5, color: INK, align: "start", bold: true, before: 0, after: 1 },
  "sender-kind": { size: 9.5, color: MUTED, align: "start", before: 0, after: 2 },
  date: { size: BODY_SIZE, color: INK, align: "end", before: 4, after: 0 },
  summary: { size: 11, color: MUTED, align: "justify", before: 0, after: 9 },
  "excerpt-notice": { size: 9.5, color: MUTED, align: "start", italic: true, before: 0, after: 6 },
  salutation: { size: BODY_SIZE, color: INK, align: "start", before: 2, after: 7 },
  closing: { size: BODY_SIZE, color: INK, align: "start", before: 4, after: 7 },
  "translation-notice": { size: 9.5, color: MUTED, align: "start", before: 0, after: 0 },
  address: { size: BODY_SIZE, color: INK, align: "start", before: 4, after: 12 },
  "footer-title": { size: 8, color: MUTED, align: "center", before: 0, after: 0 },
  "page-label": { size: 8, color: MUTED, align: "center", before: 0, after: 0 },
};

const HEADING_STYLES: Readonly<Record<1 | 2 | 3, RoleStyle>> = {
  1: { size: 15, color: INK, align: "start", bold: true, before: 12, after: 8 },
  2: { size: 11.5, color: INK, align: "start", bold: true, before: 12, after: 5 },
  3: { size: 10.5, color: INK, align: "start", bold: true, before: 10, after: 4 },
};

export interface LayoutContext {
  fonts: FontLibrary;
  locale: LocaleInfo;
  geometry: PageGeometry;
}

interface Frame {
  x: number;
  width: number;
  dir: "ltr" | "rtl";
}

/** Scripts without an italic tradition set emphasis upright. */
function hasItalics(locale: LocaleInfo): boolean {
  return locale.script === "Latn" || locale.script === "Cyrl";
}

function leadingOf(locale: LocaleInfo): number {
  return locale.script === "Arab" ? 1.75 : locale.script === "Latn" || locale.script === "Cyrl" ? 1.45 : 1.6;
}

function rulesOf(locale: LocaleInfo): ScriptRules {
  return { primary: primaryFamilyOf(locale.script), keepAll: locale.script === "Kore", interCharacter: locale.script === "Hans" };
}

function styledTexts(inlines: readonly Inline[], base: TextStyle, italics: boolean): StyledText[] {
  return inlines.map((inline) =>
    inline.kind === "break"
      ? { text: "\n", style: base }
      : { text: inline.text, style: { bold: base.bold || inline.style.bold, italic: italics && (base.italic || inline.style.italic) } },
  );
}

/** The plain text of a block's inlines (used for list markers and tests). */
export function inlineText(inlines: readonly Inline[]): string {
  return inlines.map((i) => (i.kind === "break" ? "\n" : i.text)).join("");
}

/** A run of lines that must be placed together or split only where widows and orphans allow. */
interface Chunk {
  lines: Line[];
  xs: number[];
  node: StructNode;
  before: number;
  after: number;
  keepWithNext: boolean;
  /** Lines that may be split from the chunk's other lines (false for list markers set beside text). */
  splittable: boolean;
  /** Extra items drawn with the chunk (markers, the translation notice's rule), relative to its top. */
  decorations: ((top: number, height: number) => PageItem[])[];
  markers?: { line: Line; x: number; node: StructNode };
}

/** Lays the letter out into pages. The running footer is added by `addFooters` once the page count is known. */
export class Composer {
  readonly pages: Page[] = [];
  readonly root: StructNode = { type: "Document", children: [] };
  private chunks: Chunk[] = [];
  private readonly leading: number;
  private readonly italics: boolean;
  private readonly rules: ScriptRules;

  constructor(private readonly ctx: LayoutContext) {
    this.leading = leadingOf(ctx.locale);
    this.italics = hasItalics(ctx.locale);
    this.rules = rulesOf(ctx.locale);
  }

  private get body(): Frame {
    const { geometry } = this.ctx;
    return { x: geometry.margin.left, width: geometry.width - geometry.margin.left - geometry.margin.right, dir: this.ctx.locale.dir };
  }

  private set(inlines: readonly Inline[], style: RoleStyle, frame: Frame): Line[] {
    const spec: ParagraphSpec = {
      runs: styledTexts(inlines, { bold: style.bold ?? false, italic: style.italic ?? false }, this.italics),
      size: style.size,
      color: style.color,
      leading: this.leading,
      width: frame.width,
      align: style.align,
      dir: frame.dir,
      rules: this.rules,
    };
    return setParagraph(this.ctx.fonts, spec);
  }

  /** Lays out the letter's flow and returns the pages (without footers). */
  layout(tree: LetterTree): Page[] {
    this.blocks(tree.blocks, this.body, this.root);
    this.paginate();
    return this.pages;
  }

  private blocks(blocks: readonly Block[], frame: Frame, parent: StructNode): void {
    for (const block of blocks) this.block(block, frame, parent);
  }

  private block(block: Block, frame: Frame, parent: StructNode): void {
    switch (block.kind) {
      case "paragraph": {
        const style = ROLE_STYLES[block.role];
        const node: StructNode = { type: block.role === "translation-notice" ? "Note" : "P", children: [] };
        parent.children.push(node);
        if (block.role === "translation-notice") {
          // Set apart in a box, like the HTML edition.
          const first = this.chunks.length;
          const inner = { ...frame, x: frame.x + 12, width: frame.width - 24 };
          this.push(this.set(block.inlines, style, inner), inner, node, style, false);
          this.boxed(first, frame);
          return;
        }
        this.push(this.set(block.inlines, style, frame), frame, node, style, false);
        return;
      }
      case "heading": {
        const style = HEADING_STYLES[block.level];
        const node: StructNode = { type: `H${block.level}`, children: [] };
        parent.children.push(node);
        this.push(this.set(block.inlines, style, frame), frame, node, style, true);
        return;
      }
      case "quote": {
        const node: StructNode = { type: "BlockQuote", children: [] };
        parent.children.push(node);
        this.blocks(block.children, { ...frame, x: frame.x + 24, width: frame.width - 48 }, node);
        return;
      }
      case "list":
        this.list(block, frame, parent);
        return;
      case "page-break":
        this.chunks.push({ lines: [], xs: [], node: parent, before: 0, after: 0, keepWithNext: false, splittable: false, decorations: [], pageBreak: true } as Chunk & { pageBreak: true });
        return;
      case "group": {
        const node: StructNode = { type: block.role === "translation-notice" ? "Note" : "Sect", children: [] };
        parent.children.push(node);
        const first = this.chunks.length;
        if (block.role === "translation-notice") {
          this.blocks(block.children, { ...frame, x: frame.x + 12, width: frame.width - 24 }, node);
          this.boxed(first, frame);
        } else {
          this.blocks(block.children, frame, node);
        }
        if (block.role === "letterhead") this.ruleAfter(frame, 9, 14);
        return;
      }
    }
  }

  private boxed(first: number, frame: Frame): void {
    const chunks = this.chunks.slice(first);
    if (chunks.length === 0) return;
    const pad = 6;
    chunks[0]!.before += pad;
    chunks[chunks.length - 1]!.after += pad;
    // The box is drawn with the first chunk; notices are short, so they are kept on one page.
    const total = chunks.reduce((h, c, i) => h + c.lines.reduce((s, l) => s + l.height, 0) + (i > 0 ? c.before : 0) + (i < chunks.length - 1 ? c.after : 0), 0);
    chunks.forEach((c, i) => {
      c.keepWithNext = i < chunks.length - 1;
      c.splittable = false;
    });
    const edge = frame.dir === "rtl" ? frame.x + frame.width - 3 : frame.x;
    chunks[0]!.decorations.push((top) => [
      { kind: "rule", x: frame.x, y: top - pad, width: frame.width, height: 0.6, color: RULE },
      { kind: "rule", x: frame.x, y: top + total + pad - 0.6, width: frame.width, height: 0.6, color: RULE },
      { kind: "rule", x: edge, y: top - pad, width: 3, height: total + 2 * pad, color: MUTED },
      { kind: "rule", x: frame.dir === "rtl" ? frame.x : frame.x + frame.width - 0.6, y: top - pad, width: 0.6, height: total + 2 * pad, color: RULE },
    ]);
    const last = chunks[chunks.length - 1]!;
    last.after += 10;
  }

  private ruleAfter(frame: Frame, gap: number, after: number): void {
    const last = this.chunks[this.chunks.length - 1];
    if (!last) return;
    const height = last.lines.reduce((s, l) => s + l.height, 0);
    last.decorations.push((top) => [{ kind: "rule", x: frame.x, y: top + height + gap, width: frame.width, height: 0.6, color: RULE }]);
    last.after = Math.max(last.after, gap + after);
  }

  private list(block: Extract<Block, { kind: "list" }>, frame: Frame, parent: StructNode): void {
    const node: StructNode = { type: "L", children: [] };
    parent.children.push(node);
    const indent = 16;
    const textFrame: Frame = { dir: frame.dir, width: frame.width - indent, x: frame.dir === "rtl" ? frame.x : frame.x + indent };
    const style = { ...ROLE_STYLES.body, align: "start" as Align, after: 1.5 };
    const numbers = new Intl.NumberFormat(this.ctx.locale.tag);
    block.items.forEach((item, index) => {
      const li: StructNode = { type: "LI", children: [] };
      node.children.push(li);
      const label: StructNode = { type: "Lbl", children: [] };
      const body: StructNode = { type: "LBody", children: [] };
      li.children.push(label, body);
      const marker = block.ordered ? `${numbers.format(index + 1)}.` : "•";
      const markerLine = this.set([{ kind: "text", text: marker, style: { bold: false, italic: false } }], { ...style, align: "start" }, { ...frame, width: indent - 4 })[0];
      const first = this.chunks.length;
      for (const child of item) {
        if (child.kind === "paragraph") this.push(this.set(child.inlines, style, textFrame), textFrame, body, style, false);
        else this.block(child, textFrame, body);
      }
      const chunk = this.chunks[first];
      if (chunk && markerLine) {
        const markerX = frame.dir === "rtl" ? frame.x + frame.width - (indent - 4) : frame.x;
        chunk.markers = { line: markerLine, x: markerX, node: label };
      }
    });
    const last = this.chunks[this.chunks.length - 1];
    if (last) last.after = Math.max(last.after, 8);
  }

  private push(lines: Line[], frame: Frame, node: StructNode, style: RoleStyle, keepWithNext: boolean): void {
    this.chunks.push({ lines, xs: lines.map(() => frame.x), node, before: style.before, after: style.after, keepWithNext, splittable: true, decorations: [] });
  }

  private newPage(): Page {
    const page: Page = { items: [] };
    this.pages.push(page);
    return page;
  }

  /** Places the chunks on pages: keeps headings with what follows, avoids widows and orphans. */
  private paginate(): void {
    const { geometry } = this.ctx;
    const top = geometry.margin.top;
    const bottom = geometry.height - geometry.margin.bottom;
    let page = this.newPage();
    let y = top;
    let previousAfter = 0;
    const heightOf = (lines: Line[], from = 0, to = lines.length) => lines.slice(from, to).reduce((s, l) => s + l.height, 0);
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if ((chunk as Chunk & { pageBreak?: boolean }).pageBreak) {
        page = this.newPage();
        y = top;
        previousAfter = 0;
        continue;
      }
      const gap = y === top ? 0 : Math.max(previousAfter, chunk.before);
      // What must stay together with this chunk's start: its first two lines (all of it when it is kept
      // whole or kept with the next), and likewise for each chunk it is kept with.
      const head = (k: number) => {
        const ch = this.chunks[k]!;
        return ch.splittable && !ch.keepWithNext ? heightOf(ch.lines, 0, Math.min(2, ch.lines.length)) : heightOf(ch.lines);
      };
      let need = gap + head(c);
      for (let k = c; this.chunks[k]!.keepWithNext && this.chunks[k + 1]; k++) need += Math.max(this.chunks[k]!.after, this.chunks[k + 1]!.before) + head(k + 1);
      if (y !== top && y + need > bottom) {
        page = this.newPage();
        y = top;
      }
      y += y === top ? 0 : Math.max(previousAfter, chunk.before);
      const chunkTop = y;
      for (const decorate of chunk.decorations) page.items.push(...decorate(chunkTop, heightOf(chunk.lines)));
      if (chunk.markers) {
        page.items.push({ kind: "line", x: chunk.markers.x, y, line: chunk.markers.line, node: chunk.markers.node });
      }
      let i = 0;
      while (i < chunk.lines.length) {
        const remaining = chunk.lines.length - i;
        let fit = 0;
        let h = 0;
        while (fit < remaining && y + h + chunk.lines[i + fit]!.height <= bottom + 0.01) h += chunk.lines[i + fit++]!.height;
        if (fit < remaining && chunk.splittable) {
          // Widows: leave at least two lines for the next page; orphans: no single first line at the bottom.
          if (remaining - fit < 2 && fit > 2) fit = remaining - 2;
          if (fit < 2 && remaining >= 2 && i === 0) fit = 0;
        }
        if (fit === 0 && y === top) fit = 1;
        for (let j = 0; j < fit; j++) {
          const line = chunk.lines[i + j]!;
          page.items.push({ kind: "line", x: chunk.xs[i + j]!, y, line, node: chunk.node });
          y += line.height;
        }
        i += fit;
        if (i < chunk.lines.length) {
          page = this.newPage();
          y = top;
        }
      }
      previousAfter = chunk.after;
    }
  }

  /** Adds the running footer (its title and the localized page label) to every page. */
  addFooters(footer: readonly Block[], pageLabel: (page: number, pages: number) => string): void {
    const { geometry } = this.ctx;
    const frame = this.body;
    const count = this.pages.length;
    this.pages.forEach((page, index) => {
      let y = geometry.height - geometry.margin.bottom + 14;
      page.items.push({ kind: "rule", x: frame.x, y: y - 5, width: frame.width, height: 0.4, color: RULE });
      for (const block of footer) {
        if (block.kind !== "paragraph") continue;
        const style = ROLE_STYLES[block.role];
        const inlines: Inline[] = block.role === "page-label" ? [{ kind: "text", text: pageLabel(index + 1, count), style: { bold: false, italic: false } }] : block.inlines;
        for (const line of this.set(inlines, style, frame)) {
          page.items.push({ kind: "line", x: frame.x, y, line, node: null });
          y += line.height;
        }
      }
    });
  }
}
