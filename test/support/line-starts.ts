import { run } from "../core/pdf/pdf-inspect";

/** One character of a PDF's flow as poppler reads it: its page, its line's top, and whether it starts a line. */
export interface PlacedCharacter {
  char: string;
  page: number;
  top: number;
  lineStart: boolean;
}

/**
 * The flow's characters above the bottom margin (poppler's `pdftotext -bbox-layout` line boxes),
 * without white space, list markers (Chromium draws them as shapes), combining marks (extractors
 * order Arabic marks differently) and default-ignorable characters (the PDF carries word joiners
 * and letter marks that keep extraction in reading order), so two PDFs of the same text align one
 * to one.
 */
export function placedCharacters(path: string, bottomMargin: number): PlacedCharacter[] {
  return placedCharactersOfLayout(run("pdftotext", ["-bbox-layout", path, "-"]), bottomMargin);
}

/** One of poppler's lines: a piece of a drawn line, or all of it; `text` is its words joined. */
interface PopplerLine {
  top: number;
  bottom: number;
  words: string[];
  text: string;
}

/** A page's height and poppler's lines on it, in the order poppler reads them. */
function popplerLines(page: string): { height: number; lines: PopplerLine[] } {
  const height = Number(/height="([\d.]+)"/.exec(page)![1]);
  const lines = [...page.matchAll(/<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)].map((line) => {
    const words = [...line[3]!.matchAll(/>([^<]*)<\/word>/g)].map((m) => m[1]!);
    return { top: Number(line[1]), bottom: Number(line[2]), words, text: words.join("") };
  });
  return { height, lines };
}

/**
 * `placedCharacters` of a `pdftotext -bbox-layout` document. Each drawn line of a page is the
 * poppler lines that stand on it, its characters together in the order poppler reads them, at the
 * place poppler reads its first one; a line starts each drawn line. Poppler cuts drawn lines in two
 * ways that depend on nothing the two editions differ in: a justified line with a wide gap becomes
 * two flows, read in whatever order its column analysis finds (a Thai line's last word read after
 * the paragraph in one edition, in place in the other); and an Arabic letter whose dots the font
 * positions as marks (Noto Naskh Arabic's ن, drawn by Chromium dot first, half an em off the
 * baseline) becomes a line of its own. So a poppler line belongs to the drawn line of the longest
 * line it overlaps by more than half its own height: pieces of one line overlap almost wholly (the
 * dotted letter by 0.8 or more at any size), while two lines of text, set at least 1.2 em apart,
 * overlap by less than half even in faces as tall as Naskh's (measured at most 0.47).
 */
export function placedCharactersOfLayout(layout: string, bottomMargin: number): PlacedCharacter[] {
  const out: PlacedCharacter[] = [];
  layout
    .split("<page ")
    .slice(1)
    .forEach((page, index) => {
      const { height, lines } = popplerLines(page);
      for (const drawn of drawnLines(lines)) {
        if (drawn.top > height - bottomMargin - 1) continue;
        // Its first character starts it (a piece left without text, a list marker alone, starts nothing).
        let first = true;
        for (const piece of drawn.pieces) {
          for (const char of piece.text.replace(/[\s•◦▪]|\p{M}|\p{Default_Ignorable_Code_Point}/gu, "")) {
            out.push({ char, page: index + 1, top: drawn.top, lineStart: first });
            first = false;
          }
        }
      }
    });
  return out;
}

/** The lines of text of a page as drawn (see `placedCharactersOfLayout`), in the order poppler reads their first piece. */
function drawnLines(lines: readonly PopplerLine[]): { top: number; pieces: PopplerLine[] }[] {
  const overlap = (a: PopplerLine, b: PopplerLine) => Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  // The longest lines first: a piece then finds the line it belongs to already there.
  const anchors: PopplerLine[] = [];
  const anchorOf = new Map<PopplerLine, PopplerLine>();
  for (const line of [...lines].sort((a, b) => b.text.length - a.text.length)) {
    let best: PopplerLine | undefined;
    for (const anchor of anchors) if (overlap(line, anchor) > (line.bottom - line.top) / 2 && (!best || overlap(line, anchor) > overlap(line, best))) best = anchor;
    if (best) anchorOf.set(line, best);
    else {
      anchors.push(line);
      anchorOf.set(line, line);
    }
  }
  const drawn = new Map<PopplerLine, { top: number; pieces: PopplerLine[] }>();
  for (const line of lines) {
    const anchor = anchorOf.get(line)!;
    const entry = drawn.get(anchor) ?? { top: anchor.top, pieces: [] };
    entry.pieces.push(line);
    drawn.set(anchor, entry);
  }
  return [...drawn.values()];
}

/** One drawn line of a page's bottom margin: its text (pieces joined by spaces) and its extent, in points from the page's top. */
export interface FooterLine {
  text: string;
  top: number;
  bottom: number;
}

/**
 * Each page's drawn lines that reach into the bottom margin (`bottomMargin` points tall) by more than
 * a point, top to bottom, with the page's height: a footer that grew over the body shows as a line
 * whose top is above the margin. Poppler reports the left and right margin boxes as lines of
 * their own, and a letter whose dots Chromium draws off the baseline (Noto Naskh Arabic) as one more:
 * they are one drawn line, as in `placedCharactersOfLayout`.
 */
export function footerLines(path: string, bottomMargin: number): { height: number; lines: FooterLine[] }[] {
  return footerLinesOfLayout(run("pdftotext", ["-bbox-layout", path, "-"]), bottomMargin);
}

/** `footerLines` of a `pdftotext -bbox-layout` document. */
export function footerLinesOfLayout(layout: string, bottomMargin: number): { height: number; lines: FooterLine[] }[] {
  return layout
    .split("<page ")
    .slice(1)
    .map((page) => {
      const { height, lines } = popplerLines(page);
      const drawn = drawnLines(lines.filter((line) => line.bottom > height - bottomMargin + 1));
      const footer = drawn.map(({ top, pieces }) => ({
        text: pieces.map((piece) => piece.words.join(" ")).join(" "),
        top,
        bottom: Math.max(...pieces.map((piece) => piece.bottom)),
      }));
      return { height, lines: footer.sort((a, b) => a.top - b.top) };
    });
}

/** A line's characters in code point order, without spaces, marks and controls: the same text whatever order an extractor reads its pieces in. */
export function characters(text: string): string {
  return [...text.replace(/\s|\p{M}|\p{Default_Ignorable_Code_Point}/gu, "")].sort().join("");
}

/**
 * Whether a footer line holds the page label: as a phrase, or, where the extractor cuts and reorders
 * right-to-left words (Chromium's Arabic), as every one of its characters.
 */
export function containsLabel(line: string, label: string): boolean {
  const clean = (text: string) =>
    text
      .replace(/\p{Default_Ignorable_Code_Point}/gu, "")
      .replace(/\s+/g, " ")
      .trim();
  if (clean(line).includes(clean(label))) return true;
  const available = [...characters(line)];
  return [...characters(label)].every((char) => {
    const at = available.indexOf(char);
    if (at < 0) return false;
    available.splice(at, 1);
    return true;
  });
}
