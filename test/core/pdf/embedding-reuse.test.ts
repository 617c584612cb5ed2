import { LruCache } from "../../../functions/core/pdf/cache";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fixture, options } from "./pdf-inspect";

/**
 * A face's font program and ToUnicode map are found again, for a letter embedding the same glyphs
 * with the same texts as the last one, by comparing the lists (pdf-writer.ts `LastEmbedding`), not by
 * making the caches' keys: a text of every glyph code per face and letter. Counted through the
 * caches' lookups: a subset's key is "face:glyphs:advances", a ToUnicode map's its CMap text.
 */

/** The keys the caches were asked for while `render` ran (the spy calls through). */
async function lookedUp(render: () => Promise<Buffer>): Promise<{ pdf: Buffer; keys: unknown[] }> {
  const get = jest.spyOn(LruCache.prototype, "get");
  try {
    const pdf = await render();
    return { pdf, keys: get.mock.calls.map(([key]) => key) };
  } finally {
    get.mockRestore();
  }
}

const isSubsetKey = (key: unknown) => typeof key === "string" && /^[^:\s]+:[\d,]+:[\d.,]*$/.test(key);
const isCmapKey = (key: unknown) => typeof key === "string" && key.startsWith("/CIDInit");

describe("a face's embedding found again for the same glyphs", () => {
  it.each(["en", "ar"] as const)("%s: the same letter again makes no subset key and no ToUnicode text, and keeps its bytes", async (locale) => {
    const fonts = loadFontLibrary();
    const html = fixture(`letter-${locale}.html`);
    const render = () => renderPdf(html, options(locale, { fonts }));
    const first = await lookedUp(render);
    // The lookups are seen: the first letter looks every face's subset and map up.
    expect(first.keys.filter(isSubsetKey).length).toBeGreaterThan(0);
    expect(first.keys.filter(isCmapKey).length).toBeGreaterThan(0);
    const again = await lookedUp(render);
    expect({ subsets: again.keys.filter(isSubsetKey).length, cmaps: again.keys.filter(isCmapKey).length, same: again.pdf.equals(first.pdf) }).toEqual({
      subsets: 0,
      cmaps: 0,
      same: true,
    });
  });
});
