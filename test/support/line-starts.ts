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
  const out: PlacedCharacter[] = [];
  run("pdftotext", ["-bbox-layout", path, "-"])
    .split("<page ")
    .slice(1)
    .forEach((page, index) => {
      const height = Number(/height="([\d.]+)"/.exec(page)![1]);
      const lines = [...page.matchAll(/<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([\s\S]*?)<\/line>/g)].map((line) => ({
        top: Number(line[1]),
        text: [...line[2]!.matchAll(/>([^<]*)<\/word>/g)]
          .map((m) => m[1])
          .join("")
          .replace(/[\s•◦▪]|\p{M}|\p{Default_Ignorable_Code_Point}/gu, ""),
      }));
      // Chromium draws an Arabic letter whose dots the font positions as marks (Noto Naskh Arabic 2.x)
      // with the dot glyph first, a few points off the baseline, and poppler then reports that letter as
      // a line of its own. A line's top is the top of the longest line within 6 pt of it (text lines are
      // 13 pt or more apart), so one drawn line is one line in both editions.
      const topOf = (top: number) => lines.filter((other) => Math.abs(other.top - top) < 6).reduce((best, other) => (other.text.length > best.text.length ? other : best)).top;
      for (const line of lines) {
        const top = topOf(line.top);
        if (top > height - bottomMargin - 1) continue;
        for (const char of line.text) out.push({ char, page: index + 1, top, lineStart: false });
      }
    });
  // A line starts where the line top moves: poppler may cut one justified line into several.
  out.forEach((c, i) => (c.lineStart = i === 0 || out[i - 1]!.page !== c.page || Math.abs(out[i - 1]!.top - c.top) > 2));
  return out;
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
 * lines within 6 pt of each other are one drawn line.
 */
export function footerLines(path: string, bottomMargin: number): { height: number; lines: FooterLine[] }[] {
  return run("pdftotext", ["-bbox-layout", path, "-"])
    .split("<page ")
    .slice(1)
    .map((page) => {
      const height = Number(/height="([\d.]+)"/.exec(page)![1]);
      const rows: { top: number; bottom: number; parts: string[] }[] = [];
      for (const line of page.matchAll(/<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)) {
        const top = Number(line[1]);
        const bottom = Number(line[2]);
        if (bottom <= height - bottomMargin + 1) continue;
        const text = [...line[3]!.matchAll(/>([^<]*)<\/word>/g)].map((m) => m[1]).join(" ");
        const row = rows.find((r) => Math.abs(r.top - top) < 6);
        if (row) {
          row.parts.push(text);
          row.bottom = Math.max(row.bottom, bottom);
        } else rows.push({ top, bottom, parts: [text] });
      }
      return { height, lines: rows.sort((a, b) => a.top - b.top).map((row) => ({ text: row.parts.join(" "), top: row.top, bottom: row.bottom })) };
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
