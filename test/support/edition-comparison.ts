import { run } from "../core/pdf/pdf-inspect";

/**
 * Issue 12 item 8's four figures for one document: Chromium printing the HTML edition against our
 * PDF, both read back by poppler's `pdftotext -bbox-layout`, characters aligned one to one.
 */

interface Character {
  char: string;
  page: number;
  top: number;
  lineStart: boolean;
}

/**
 * The flow's characters above the bottom margin, without white space, list markers (Chromium draws
 * them as shapes), combining marks and default-ignorable characters (extractors order and keep them
 * differently).
 */
export function flowCharacters(path: string, bottomMargin: number): Character[] {
  const out: Character[] = [];
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

export interface EditionFigures {
  /** Characters each edition has (they must be equal for the alignment to mean anything). */
  characters: { ours: number; chromium: number };
  pages: { ours: number; chromium: number };
  /** Share of line starts (of either edition) that start a line in both. */
  agreeing: number;
  /** Share of characters on the same page. */
  samePage: number;
  /** Median distance of the tops of lines that start in both, in points. */
  topDifference: number;
}

/** Compares the two PDFs (files) of one document; `bottomMargin` in points leaves the running footer out. */
export function compareEditions(oursFile: string, chromiumFile: string, bottomMargin: number): EditionFigures {
  const ours = flowCharacters(oursFile, bottomMargin);
  const chromium = flowCharacters(chromiumFile, bottomMargin);
  const pairs = ours.map((c, i) => [c, chromium[i]] as const).filter((pair): pair is readonly [Character, Character] => pair[1] !== undefined);
  const starts = pairs.filter(([a, b]) => a.lineStart || b.lineStart);
  const both = starts.filter(([a, b]) => a.lineStart && b.lineStart);
  const tops = both.map(([a, b]) => Math.abs(a.top - b.top)).sort((a, b) => a - b);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return {
    characters: { ours: ours.length, chromium: chromium.length },
    pages: { ours: ours[ours.length - 1]?.page ?? 0, chromium: chromium[chromium.length - 1]?.page ?? 0 },
    agreeing: round(both.length / starts.length, 3),
    samePage: round(pairs.filter(([a, b]) => a.page === b.page).length / Math.max(ours.length, 1), 3),
    topDifference: round(tops[Math.floor(tops.length / 2)] ?? Number.NaN, 1),
  };
}
