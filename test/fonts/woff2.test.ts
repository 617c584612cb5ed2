import * as fontkit from "fontkit";
import { readFileSync } from "node:fs";
import type { RegistryFaceId } from "../../functions/core/pdf/font-library";
import { assetPath, FONT_FILES } from "../../functions/fonts/font-files";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { encodeWoff2 } from "../../functions/fonts/woff2";
import { sfntTables } from "../support/font-faces";

describe("the WOFF2 encoder", () => {
  it.each(["serif-regular", "naskh-bold", "thai-regular"] as RegistryFaceId[])(
    "keeps every glyph, outline, advance and character of %s, as fontkit's WOFF2 reader decodes it",
    (face) => {
      const font = readFileSync(assetPath(FONT_FILES[face]));
      const woff2 = Buffer.from(encodeWoff2(font, face));
      expect(woff2.toString("latin1", 0, 4)).toBe("wOF2");
      // The header's length is the file's, a multiple of four; its sfnt size is what a decoder allocates.
      expect(woff2.readUInt32BE(8)).toBe(woff2.length);
      expect(woff2.length % 4).toBe(0);
      const tables = sfntTables(font);
      expect(woff2.readUInt32BE(16)).toBe(12 + 16 * tables.size + [...tables.values()].reduce((sum, table) => sum + ((table.length + 3) & ~3), 0));
      const decoded = fontkit.create(woff2) as fontkit.Font & { _getTable(tag: string): unknown; _decompressed?: unknown };
      const original = fontkit.create(font) as fontkit.Font;
      expect(decoded.numGlyphs).toBe(original.numGlyphs);
      expect([...decoded.characterSet].sort()).toEqual([...original.characterSet].sort());
      // Every glyph's outline and advance, as the tables' bytes give them.
      for (let id = 0; id < original.numGlyphs; id += 7) {
        expect(decoded.getGlyph(id).path.toSVG()).toBe(original.getGlyph(id).path.toSVG());
        expect(decoded.getGlyph(id).advanceWidth).toBe(original.getGlyph(id).advanceWidth);
      }
      expect(woff2.length).toBeLessThan(font.length);
    },
  );

  it("refuses bytes that are not a font, naming them", () => {
    expect(() => encodeWoff2(new Uint8Array(8), "scratch.ttf")).toThrow(/scratch\.ttf: not a font/);
    // A count in words by the plural rules: "1 byte", not "1 bytes".
    expect(() => encodeWoff2(new Uint8Array(1), "one.ttf")).toThrow("one.ttf: not a font (1 byte)");
    const truncated = Buffer.from(readFileSync(assetPath(FONT_FILES["serif-regular"])).subarray(0, 100));
    expect(() => encodeWoff2(truncated, "cut.ttf")).toThrow(/cut\.ttf: (table \S+ runs past the end|its table directory runs past the end)/);
  });

  it("grows no WebAssembly memory: a Chinese subset's encoding adds a few MB, where wawoff2's encoder grew to 76 MB", async () => {
    // The first subset of this test file's process: hb-subset's instance (65 MB declared) and the encoding are both counted.
    const before = process.memoryUsage().external;
    const web = createWebFonts(loadFontLibrary());
    await web.subset("sc-regular", "中华人民共和国常驻联合国代表团大使阁下尊敬的主席先生我们写信是为了");
    await web.subset("serif-regular", "Testimony of the Committee 2015");
    // Measured 75.5 MB: hb-subset's 65 MB and the Chinese face's 10 MB file, read for the subset (97 MB with wawoff2).
    expect(process.memoryUsage().external - before).toBeLessThan((65 + 20) * 1024 * 1024);
  });
});
