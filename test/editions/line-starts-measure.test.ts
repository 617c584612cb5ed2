import { compareCharacters } from "../support/edition-comparison";
import { footerLinesOfLayout, placedCharactersOfLayout } from "../support/line-starts";

/**
 * The line-start measure reads drawn lines, not poppler's pieces of them. Two ways poppler cut the
 * same drawn line differently in the two editions made identical lines count as different ones
 * (0.891 of line starts agreeing for Thai on A5, 0.842 and 0.676 for Arabic and Persian at 12pt,
 * with every line breaking at the same word): a justified line's last word read as a flow of its own
 * after the paragraph, and a dotted Arabic letter reported half an em off its line. The geometry
 * below is poppler's, from those documents.
 */

const PAGE_HEIGHT = 842;

interface Piece {
  top: number;
  bottom: number;
  text: string;
}

/** A `pdftotext -bbox-layout` document of one page whose flows hold these lines, in this order. */
function layout(flows: Piece[][]): string {
  const line = ({ top, bottom, text }: Piece) =>
    `<line xMin="50" yMin="${top}" xMax="500" yMax="${bottom}">${text
      .split(" ")
      .map((word) => `<word xMin="50" yMin="${top}" xMax="100" yMax="${bottom}">${word}</word>`)
      .join("")}</line>`;
  return `<doc><page width="595" height="${PAGE_HEIGHT}">${flows.map((flow) => `<flow><block>${flow.map(line).join("")}</block></flow>`).join("")}</page></doc>`;
}

const placed = (flows: Piece[][]) => placedCharactersOfLayout(layout(flows), 0);

describe("line starts are counted on drawn lines", () => {
  it("reads a justified line cut into two flows as one line, wherever poppler reads its second piece (Thai on A5)", () => {
    const lines = {
      before: { top: 436.8, bottom: 451.2, text: "คณะกรรมการสรุปว่า ทำให้กรณีนี้เป็น" },
      justified: { top: 451.5, bottom: 465.9, text: "กรณีที่คณะมนตรีความมั่นคง" },
      lastWord: { top: 451.5, bottom: 465.9, text: "เพื่อ" },
      after: { top: 466.2, bottom: 480.6, text: "สนับสนุนความพยายาม" },
      next: { top: 487.1, bottom: 501.5, text: "สถานการณ์สิทธิมนุษยชน" },
    };
    const ours = placed([[lines.before, lines.justified], [lines.lastWord], [lines.after, lines.next]]);
    const chromium = placed([[lines.before, lines.justified, lines.after, lines.next], [lines.lastWord]]);
    expect(chromium.filter((c) => c.lineStart)).toHaveLength(4);
    expect(chromium.map((c) => c.lineStart)).toEqual(ours.map((c) => c.lineStart));
    expect(compareCharacters(ours, chromium)).toMatchObject({ agreeing: 1, samePage: 1, topDifference: 0 });
  });

  it("keeps a dotted Arabic letter drawn half an em off its line in that line, above or below the next (Persian at 12pt)", () => {
    // Chromium draws Noto Naskh Arabic's ن dot first, 6.18 pt below the line's top at 12pt, and
    // poppler reports it as a line between its own and the next (which it overlaps by 0.46 of its height).
    const line = { top: 216.67, bottom: 242.43 };
    const next = { top: 233.92, bottom: 259.49, text: "هذه دولة لا مثيل لها" };
    const ours = placed([[{ ...line, text: "سازمان عفو بین الملل" }, next]]);
    const chromium = placed([[{ ...line, text: "سازما عفو بی الملل" }, { top: 222.85, bottom: 243.28, text: "نن" }, next]]);
    expect(chromium.filter((c) => c.char === "ن").map((c) => [c.top, c.lineStart])).toEqual([
      [216.67, false],
      [216.67, false],
    ]);
    expect(compareCharacters(ours, chromium)).toMatchObject({ agreeing: 1, samePage: 1 });
  });

  it("keeps two lines set 1.2 em apart in a face as tall as Naskh's two lines", () => {
    // 12pt lines 14.4 pt apart, each box 1.7 em tall: they overlap by 0.3 of a box.
    const lines = placed([
      [
        { top: 100, bottom: 120.4, text: "رسالة مشتركة" },
        { top: 114.4, bottom: 134.8, text: "إلى مجلس الأمن" },
      ],
    ]);
    expect(lines.filter((c) => c.lineStart).map((c) => c.top)).toEqual([100, 114.4]);
  });

  it("still counts a word that one edition moves to the next line", () => {
    const ours = placed([
      [
        { top: 100, bottom: 114, text: "Members of the Council" },
        { top: 117, bottom: 131, text: "China France" },
      ],
    ]);
    const chromium = placed([
      [
        { top: 100, bottom: 114, text: "Members of the" },
        { top: 117, bottom: 131, text: "Council China France" },
      ],
    ]);
    // Three line starts between them (both start the first line; each starts the second at another word), one agreeing.
    expect(compareCharacters(ours, chromium).agreeing).toBe(0.333);
  });

  it("reads a footer's dotted Arabic letter, however far below its line at its size, as part of that line", () => {
    // A 13pt running title: the dot 6.7 pt off (more than the 6 pt the footer rows were once grouped within).
    const footer = layout([
      [
        { top: 800, bottom: 822.1, text: "رسالة مشتركة" },
        { top: 806.7, bottom: 828.8, text: "ن" },
        { top: 801, bottom: 812, text: "Page 1 of 2" },
      ],
    ]);
    expect(footerLinesOfLayout(footer, 60)).toEqual([{ height: PAGE_HEIGHT, lines: [{ text: "رسالة مشتركة ن Page 1 of 2", top: 800, bottom: 828.8 }] }]);
  });
});
