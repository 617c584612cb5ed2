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
      for (const line of page.matchAll(/<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([\s\S]*?)<\/line>/g)) {
        const top = Number(line[1]);
        if (top > height - bottomMargin - 1) continue;
        const text = [...line[2]!.matchAll(/>([^<]*)<\/word>/g)]
          .map((m) => m[1])
          .join("")
          .replace(/[\s•◦▪]|\p{M}|\p{Default_Ignorable_Code_Point}/gu, "");
        for (const char of text) out.push({ char, page: index + 1, top, lineStart: false });
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
