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

/** The share of line starts (of either PDF) that both PDFs start a line at, the characters aligned one to one. */
export function lineStartAgreement(ours: readonly PlacedCharacter[], theirs: readonly PlacedCharacter[]): number {
  const starts = ours.map((c, i) => [c, theirs[i]!] as const).filter(([a, b]) => a.lineStart || b?.lineStart);
  return starts.filter(([a, b]) => a.lineStart && b?.lineStart).length / starts.length;
}
