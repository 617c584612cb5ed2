import { extractBoth } from "./pdf-inspect";

/*
 * What poppler (pdftotext) and pdf.js do with text a PDF spells out, on minimal hand-written PDFs
 * (Helvetica, no letterpress code): the behaviours pdf-writer.ts works around. Each fails loudly
 * when an extractor changes, so the workaround can be revisited.
 */

/** A PDF file of these objects, numbered from 1 (the first the catalog), with its cross-reference table. */
function assembled(objects: readonly string[]): Buffer {
  let pdf = "%PDF-1.7\n";
  const offsets = objects.map((object, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/**
 * A one-page PDF drawing `content` with Helvetica as /F1, Courier as /F2 (another face) and Helvetica again as
 * /F3 (another font resource of the same name), all with a ToUnicode CMap of `toUnicode` (bfchar entries) when given.
 */
function minimalPdf(content: string, toUnicode?: Readonly<Record<string, string>>): Buffer {
  const utf16 = (text: string) => Buffer.from(text, "utf16le").swap16().toString("hex");
  const cmap =
    toUnicode &&
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Custom def /CMapType 2 def\n" +
      "1 begincodespacerange <00> <ff> endcodespacerange\n" +
      // Every letter and the space as itself, then the entries given.
      "2 beginbfrange <20> <20> <0020> <61> <7a> <0061> endbfrange\n" +
      `${Object.keys(toUnicode).length} beginbfchar\n${Object.entries(toUnicode)
        .map(([char, text]) => `<${char.charCodeAt(0).toString(16).padStart(2, "0")}> <${utf16(text)}>`)
        .join("\n")}\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 4 0 R /F2 5 0 R /F3 8 0 R >> >> /Contents 6 0 R >>",
    `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding${cmap ? " /ToUnicode 7 0 R" : ""} >>`,
    `<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding${cmap ? " /ToUnicode 7 0 R" : ""} >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Length ${cmap?.length ?? 0} >>\nstream\n${cmap ?? ""}\nendstream`,
    `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding${cmap ? " /ToUnicode 7 0 R" : ""} >>`,
  ];
  return assembled(objects);
}

const TWO_LINES = "BT /F1 12 Tf 20 150 Td (well-known long-) Tj 0 -14 Td (standing text) Tj ET";

describe("what the extractors do with a hyphen-minus that ends a line", () => {
  it("poppler drops it, taking the line for one it must join; pdf.js keeps it before a line break", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf(TWO_LINES));
    expect(poppler.join("")).toContain("well-known longstanding");
    expect(pdfjs.join("")).toMatch(/well-known long-\s*\n\s*standing/);
  });

  it("both keep it when the hyphen's own text is followed by a space (what pdf-writer.ts writes)", () => {
    // Code 0xAD draws Helvetica's hyphen too (WinAnsi); it stands for the hyphen that ends the line.
    const lineEnd = "BT /F1 12 Tf 20 150 Td (well-known long\\255) Tj 0 -14 Td (standing text) Tj ET";
    const { poppler, pdfjs } = extractBoth(minimalPdf(lineEnd, { "\u00ad": "- " }));
    for (const text of [poppler.join(""), pdfjs.join("")]) expect(text).toMatch(/well-known long- ?\s*\n\s*standing/);
  });

  it("poppler still drops it when a glyph of only a space follows it: a space just ends the word", () => {
    const { poppler } = extractBoth(minimalPdf("BT /F1 12 Tf 20 150 Td (well-known long- ) Tj 0 -14 Td (standing text) Tj ET"));
    expect(poppler.join("")).toContain("longstanding");
  });
});

describe("what the extractors do with ActualText", () => {
  it("poppler copies a span's ActualText in place of its glyphs; pdf.js copies the glyphs", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf("BT /F1 12 Tf 20 150 Td (one ) Tj /Span << /ActualText (two) >> BDC (xyz) Tj EMC ( three) Tj ET"));
    expect(poppler.join("")).toContain("two");
    expect(poppler.join("")).not.toContain("xyz");
    expect(pdfjs.join("")).toContain("xyz");
    expect(pdfjs.join("")).not.toContain("two");
  });
});

describe("what the extractors do with a word broken across two lines with no character at the break", () => {
  it("pdf.js puts a line break between its parts; poppler does too", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf("BT /F1 12 Tf 20 150 Td (an untersuchungs) Tj 0 -14 Td (kommission met) Tj ET"));
    expect(pdfjs.join("")).toMatch(/untersuchungs\s*\n\s*kommission/);
    expect(poppler.join("")).toMatch(/untersuchungs\s*\n\s*kommission/);
  });
});

/*
 * A right-to-left line "אב. גד" (two Hebrew words, a full stop after the first): Helvetica draws
 * stand-ins, its ToUnicode map gives the Hebrew letters. Poppler takes the page for right-to-left
 * (it has more right-to-left letters than Latin ones) and reorders each line by bidi types alone.
 */
const HEBREW = { A: "א", B: "ב", C: "ג", D: "ד", "|": "\u061c" };
/** Poppler's text without the embeddings it writes around right-to-left text (U+202A-U+202C), white space collapsed. */
const popplerText = (pages: readonly string[]) =>
  pages
    .join("")
    .replace(/[\u202a-\u202c]/gu, "")
    .replace(/\s+/gu, " ")
    .trim();

/** Helvetica's advances (per 1000) of the characters drawn below. */
const ADVANCE: Readonly<Record<string, number>> = { A: 667, B: 667, C: 722, D: 722, " ": 278, ".": 278 };

/** Text showing operators that draw `glyphs` (left to right on the page, from x = 20) in the order `order` gives, each at its place. */
function drawnInOrder(visual: string, order: readonly number[]): string {
  const xs: number[] = [];
  let x = 20;
  for (const char of visual) {
    xs.push(x);
    x += (ADVANCE[char]! * 12) / 1000;
  }
  return `BT /F1 12 Tf ${order.map((i) => `1 0 0 1 ${xs[i]!.toFixed(3)} 150 Tm (${visual[i]}) Tj`).join(" ")} ET`;
}

describe("what the extractors do with a full stop and a space in a right-to-left line", () => {
  // On the page, from the left: the second word "גד" (ד first), a space, the full stop, the first word "אב".
  const visual = "DC .BA";

  it("poppler copies the full stop after the space whether the line is drawn from the left or from the right", () => {
    const fromLeft = [0, 1, 2, 3, 4, 5];
    const fromRight = [5, 4, 3, 2, 1, 0];
    for (const order of [fromLeft, fromRight]) {
      const { poppler } = extractBoth(minimalPdf(drawnInOrder(visual, order), HEBREW));
      expect({ order, copied: popplerText(poppler) }).toEqual({ order, copied: "אב .גד" });
    }
  });

  it("poppler copies it in place with an invisible ARABIC LETTER MARK before it, which pdf.js skips (what pdf-writer.ts writes)", () => {
    // The mark: a glyph of no advance (drawn invisibly, at the full stop's place) whose text is only the mark.
    const fullStopAt = 20 + ((722 + 722 + 278) * 12) / 1000;
    const marked = drawnInOrder(visual, [0, 1, 2, 3, 4, 5]).replace(
      " (.) Tj",
      ` 3 Tr 1 0 0 1 ${fullStopAt.toFixed(3)} 150 Tm (|) Tj 0 Tr 1 0 0 1 ${fullStopAt.toFixed(3)} 150 Tm (.) Tj`,
    );
    const { poppler, pdfjs } = extractBoth(minimalPdf(marked, HEBREW));
    expect(popplerText(poppler).replaceAll("\u061c", "")).toBe("אב. גד");
    expect(pdfjs.join("").trim()).toBe("אב. גד");
  });
});

/*
 * "אב‌גד" (a ZERO WIDTH NON-JOINER between the two pairs, as in Persian "بین‌الملل") in a right-to-left
 * line drawn from the left: "גד", the non-joiner's glyph (drawn invisibly), "אב". pdf.js (its unicode.js
 * SpecialCharRegExp, `(\p{Cf})$`) skips a glyph whose text ends with a format character, so the
 * non-joiner on a glyph of its own is lost to it; a glyph whose text starts with it is read, and
 * pdf.js's bidi.js, which takes U+200C for a left-to-right letter, reverses it with its neighbours.
 */
describe("what the extractors do with a ZERO WIDTH NON-JOINER in a right-to-left word", () => {
  const joined = { ...HEBREW, Z: "\u200c", Y: "\u200c\u05d1" };
  const at = (x: number) => `1 0 0 1 ${x.toFixed(3)} 150 Tm`;
  // Helvetica's advances: ד and ג 8.664 each, ב (and Y, drawn in its place) 8.004.
  const [d, c, b, a] = [20, 28.664, 37.328, 45.332];

  it("pdf.js drops it on a glyph of its own", () => {
    const { pdfjs } = extractBoth(minimalPdf(`BT /F1 12 Tf ${at(d)} (D) Tj ${at(c)} (C) Tj 3 Tr ${at(b)} (Z) Tj 0 Tr ${at(b)} (B) Tj ${at(a)} (A) Tj ET`, joined));
    expect(pdfjs.join("").trim()).toBe("אבגד");
  });

  it("both copy it in place at the start of the text of the letter before it, drawn after it (what pdf-writer.ts writes)", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf(`BT /F1 12 Tf ${at(d)} (D) Tj ${at(c)} (C) Tj ${at(b)} (Y) Tj ${at(a)} (A) Tj ET`, joined));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב\u200cגד", pdfjs: "אב\u200cגד" });
  });
});

describe("what poppler does with ActualText over a right-to-left line with a full stop", () => {
  // An ActualText span puts its own text in place of the glyphs (see above), spread over their box, and
  // poppler reorders that text like any other: TextOutputDev.cc's reorderText, reading a right-to-left
  // page, copies a left-to-right stretch (one that starts at a digit or a letter, and takes '.' for a
  // digit) up to the next right-to-left letter in the order drawn, so a copy where a full stop is
  // followed by a space and a right-to-left letter ("אב. גד") comes out of no text at all, whatever
  // the span holds: a stretch copied forward ends at its digit or letter, never at the space. Neither
  // the logical nor the visual order of the line's text in a span copies right; only a strong
  // character between the full stop and the space (the writer's invisible mark) does, see above.
  const line = drawnInOrder("DC .BA", [0, 1, 2, 3, 4, 5]);
  const spanned = (text: string) =>
    minimalPdf(line.replace("BT ", `/Span << /ActualText <FEFF${Buffer.from(text, "utf16le").swap16().toString("hex")}> >> BDC BT `).replace(" ET", " ET EMC"), HEBREW);

  it.each([
    ["the line's logical text", "אב. גד"],
    ["its visual order", "דג .בא"],
    ["its visual order with the words read forward", "גד .אב"],
  ])("copies a span holding %s out of order", (_name, text) => {
    const copied = popplerText(extractBoth(spanned(text)).poppler);
    // The span's characters, all of them (poppler read the span), in another order.
    expect([...copied].sort()).toEqual([..."אב. גד"].sort());
    expect(copied).not.toBe("אב. גד");
  });
});

describe("what pdf.js does with a glyph whose ToUnicode text is empty", () => {
  // The anchors before vowelled right-to-left clusters (pdf-writer.ts, encodeRtlAnchor) need a glyph
  // pdf.js positions (not white space, not a mark) that adds nothing to the copy. An empty text is not
  // one: pdf.js takes a falsy ToUnicode entry for none and copies the character code itself
  // (`this.toUnicode.get(charcode) || charcode` in its fonts.js), so the anchor keeps a text of its own.
  it("copies the character code in its place; poppler copies no character for it (its width reads as a word gap)", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf("BT /F1 12 Tf 20 150 Td (ab|cd) Tj ET", { "|": "" }));
    expect(pdfjs.join("").trim()).toBe("ab|cd");
    expect(popplerText(poppler)).toBe("ab cd");
  });
});

describe("what pdf.js does with a space before a move back", () => {
  it("drops it: two right-to-left words drawn in reading order (the first on the right) copy as one", () => {
    // "אב גד" drawn word by word in reading order: "אב" on the right, then "גד" to its left.
    const { poppler, pdfjs } = extractBoth(minimalPdf(drawnInOrder("DC BA", [4, 3, 2, 1, 0]), HEBREW));
    expect(pdfjs.join("").trim()).toBe("אבגד");
    expect(popplerText(poppler)).toBe("אב גד");
  });
});

describe("what the extractors do with ReversedChars, the PDF's own tag for text drawn in reverse order", () => {
  it("neither reads it: both copy the characters in the order drawn (Skia's PDF backend tags reversed runs so; it would not help here)", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf("/ReversedChars BMC BT /F1 12 Tf 20 150 Td (olleh) Tj ET EMC"));
    for (const text of [poppler.join(""), pdfjs.join("")]) {
      expect(text).toContain("olleh");
      expect(text).not.toContain("hello");
    }
  });
});

/*
 * The space where the face changes in a right-to-left line ("אב גד", the second word in another face,
 * as a Latin phrase in the Latin face beside Hebrew words): on the page from the left "גד" (Courier,
 * /F2), the space, "אב" (Helvetica, /F1). pdf.js (src/core/evaluator.js, getTextContent) starts a new
 * piece of text at a change of font unless both fonts have one name (buildTextContentItem compares
 * `font.name`, the font's BaseFont), never gives a white-space glyph text of its own (buildTextContentItem
 * skips it: `category.isWhitespace`, which unicode.js's SpecialCharRegExp `^(\s)` sets for any text that
 * starts with white space, so even a space joined to a letter goes, letter and all), and adds a space
 * between pieces only for a forward gap (compareWithLastPosition: a move back, `advanceX <
 * negativeSpaceMax`, resets the last characters and flushes; a forward gap pushes a white-space item).
 */
describe("what pdf.js does with a space where the face changes in a right-to-left line", () => {
  const firstWord = "1 0 0 1 37.736 150 Tm"; // "אב" at the right, after a Courier "גד" and a Helvetica space
  const space = "1 0 0 1 34.4 150 Tm";
  const secondWord = "1 0 0 1 20 150 Tm";

  it.each([
    ["with the space drawn in neither face", `BT /F1 12 Tf ${firstWord} (BA) Tj /F2 12 Tf ${secondWord} (DC) Tj ET`],
    ["with the space at the start of the first word's piece", `BT /F1 12 Tf ${space} ( BA) Tj /F2 12 Tf ${secondWord} (DC) Tj ET`],
    ["with the space a glyph of its own in the first word's face", `BT /F1 12 Tf ${firstWord} (BA) Tj ${space} ( ) Tj /F2 12 Tf ${secondWord} (DC) Tj ET`],
    ["with the space a glyph of its own in the second word's face", `BT /F1 12 Tf ${firstWord} (BA) Tj /F2 12 Tf ${space} ( ) Tj ${secondWord} (DC) Tj ET`],
    ["with the space at the end of the second word's piece", `BT /F1 12 Tf ${firstWord} (BA) Tj /F2 12 Tf ${secondWord} (DC ) Tj ET`],
  ])("drops it when the pieces are drawn in reading order (from the right) %s; poppler keeps it", (_name, content) => {
    const { poppler, pdfjs } = extractBoth(minimalPdf(content, HEBREW));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב גד", pdfjs: "אבגד" });
  });

  it("keeps it when the pieces are drawn from the left, but copies them in that order, the words reversed", () => {
    const { poppler, pdfjs } = extractBoth(minimalPdf(`BT /F2 12 Tf ${secondWord} (DC) Tj /F1 12 Tf ${space} ( BA) Tj ET`, HEBREW));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב גד", pdfjs: "גד אב" });
  });

  it("copies it in place when the two faces have one font name and the line is drawn from the left (one piece, reordered by its bidi.js)", () => {
    // /F3 is Helvetica again as another font resource: its name equals /F1's, so pdf.js keeps one piece.
    const { poppler, pdfjs } = extractBoth(minimalPdf(`BT /F3 12 Tf ${secondWord} (DC) Tj /F1 12 Tf 1 0 0 1 37.328 150 Tm ( BA) Tj ET`, HEBREW));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב גד", pdfjs: "אב גד" });
  });

  it("drops a glyph whose text starts with the space, the letter with it (a space cannot ride on the next glyph)", () => {
    // E's text is " ב": drawn before "א" it stands for the space and the letter after it in reading order.
    const { pdfjs } = extractBoth(minimalPdf("BT /F1 12 Tf 20 150 Td (EA) Tj ET", { ...HEBREW, E: " \u05d1" }));
    expect(pdfjs.join("").trim()).toBe("א");
  });
});

/**
 * A one-page PDF drawing `content` with two composite fonts, /F1 and /F2 (Type0, Identity-H, no font
 * program: the extractors read the text through ToUnicode and place it by the widths), as pdf-writer.ts
 * embeds its faces: Type0 fonts of their own names whose CIDFonts (BaseFont and descriptor FontName)
 * are named `cidFontName` both, or each after its Type0 font when not given. Codes 1-4 stand for
 * א ב ג ד (0.6 em), code 5 for a space (a quarter em).
 */
function compositePdf(content: string, cidFontName?: string): Buffer {
  const utf16 = (text: string) => Buffer.from(text, "utf16le").swap16().toString("hex");
  const texts = ["א", "ב", "ג", "ד", " "];
  const cmap =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Custom def /CMapType 2 def\n" +
    `1 begincodespacerange <0000> <ffff> endcodespacerange\n${texts.length} beginbfchar\n` +
    `${texts.map((text, i) => `<${(i + 1).toString(16).padStart(4, "0")}> <${utf16(text)}>`).join("\n")}\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end`;
  const cidFont = (own: string, descriptor: number) =>
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${cidFontName ?? own} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 600 /W [5 [250]] /CIDToGIDMap /Identity >>`;
  const descriptor = (own: string) =>
    `<< /Type /FontDescriptor /FontName /${cidFontName ?? own} /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    "<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+StandInSerif /Encoding /Identity-H /DescendantFonts [8 0 R] /ToUnicode 7 0 R >>",
    "<< /Type /Font /Subtype /Type0 /BaseFont /BAAAAA+StandInEmoji /Encoding /Identity-H /DescendantFonts [9 0 R] /ToUnicode 7 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Length ${cmap.length} >>\nstream\n${cmap}\nendstream`,
    cidFont("AAAAAA+StandInSerif", 10),
    cidFont("BAAAAA+StandInEmoji", 11),
    descriptor("AAAAAA+StandInSerif"),
    descriptor("BAAAAA+StandInEmoji"),
  ];
  return assembled(objects);
}

/*
 * "אב גד" in a right-to-left line, the second word in another font: on the page from the left "גד"
 * (/F2: ד then ג), the space and "אב" (/F1: the space, ב, א). pdf.js names a composite font by its
 * CIDFont (the BaseFont, or the descriptor's FontName where they differ), not by its Type0 font, and
 * keeps one piece of text across a change of font of one name (buildTextContentItem).
 */
describe("what the extractors do with two composite fonts whose CIDFonts have one name (pdf-writer.ts, PIECE_NAME)", () => {
  const fromLeft = "BT /F2 12 Tf 1 0 0 1 20 150 Tm <00040003> Tj /F1 12 Tf 1 0 0 1 34.4 150 Tm <000500020001> Tj ET";

  it("pdf.js copies the space in place when the line is drawn from the left: one piece, reordered by its bidi.js; poppler as ever", () => {
    const { poppler, pdfjs } = extractBoth(compositePdf(fromLeft, "Letterpress"));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב גד", pdfjs: "אב גד" });
  });

  it("pdf.js copies the words reversed when each CIDFont has a name of its own (two pieces, in the order drawn)", () => {
    const { pdfjs } = extractBoth(compositePdf(fromLeft));
    expect(pdfjs.join("").trim()).toBe("גד אב");
  });

  it("pdf.js ends the piece at marked content even under one name (an emoji sequence's ActualText span), the words reversed again", () => {
    const { pdfjs } = extractBoth(compositePdf(fromLeft.replace(" /F1 ", " /Span BMC EMC /F1 "), "Letterpress"));
    expect(pdfjs.join("").trim()).toBe("גד אב");
  });

  it("pdf.js drops the space when the line is drawn in reading order, from the right, under one name too", () => {
    const fromRight = "BT /F1 12 Tf 1 0 0 1 34.4 150 Tm <000500020001> Tj /F2 12 Tf 1 0 0 1 20 150 Tm <00040003> Tj ET";
    const { poppler, pdfjs } = extractBoth(compositePdf(fromRight, "Letterpress"));
    expect({ poppler: popplerText(poppler), pdfjs: pdfjs.join("").trim() }).toEqual({ poppler: "אב גד", pdfjs: "אבגד" });
  });
});
