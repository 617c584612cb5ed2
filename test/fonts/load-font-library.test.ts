import { renderDocument } from "../../functions/core/render-document";
import { loadFontLibrary, releaseFontFaces } from "../../functions/fonts/load-font-library";
import { createRenderer } from "../../functions/render/create-renderer";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(120_000);

describe("releasing the font faces a worker holds", () => {
  it("parses a face again after a release: a new font of the same file, not the one let go", () => {
    const fonts = loadFontLibrary();
    const before = fonts.face("sc-regular");
    expect(fonts.face("sc-regular")).toBe(before);

    releaseFontFaces();
    const after = fonts.face("sc-regular");

    expect(after).not.toBe(before);
    expect(after.numGlyphs).toBe(before.numGlyphs);
    expect(after.glyphForCodePoint(0x5b89).id).toBe(before.glyphForCodePoint(0x5b89).id);
    // Every library of the process lets go, not only the one that asked.
    const other = loadFontLibrary();
    const otherFace = other.face("serif-regular");
    releaseFontFaces();
    expect(other.face("serif-regular")).not.toBe(otherFace);
  });

  it("renders the same bytes before and after a release, language after language, in both editions", async () => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const seed = await loadSeedLetter();
    for (const locale of ["zh", "ar", "en"] as const) {
      for (const format of ["pdf", "html"] as const) {
        const request = { letterId: SEED_LETTER, locale, format, recipientId: null };
        const first = await renderDocument(renderer, seed, request);
        releaseFontFaces();
        const again = await renderDocument(renderer, seed, request);
        expect({ locale, format, same: again.bytes.equals(first.bytes) }).toEqual({ locale, format, same: true });
      }
    }
  });
});
