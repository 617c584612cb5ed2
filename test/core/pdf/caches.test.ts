import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf, resetCaches } from "../../../functions/core/pdf/render-pdf";
import { warmUp } from "../../../functions/core/pdf/warm-up";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fixture, options, stylesheetsFor } from "./pdf-inspect";

/** The fixture letter addressed to one recipient: name and title in the addressee block. */
function personalized(locale: LocaleId, [name, title]: readonly string[]): string {
  const html = fixture(`letter-${locale}.html`);
  const addressed = html.replace(/<address class="addressee">[\s\S]*?<\/address>/, `<address class="addressee">${name}<br>${title}</address>`);
  expect(addressed).not.toBe(html);
  return addressed;
}

const RECIPIENTS = JSON.parse(fixture("recipients.json")) as Record<"en" | "ar" | "ko" | "zh", string[][]>;

describe("the typesetter's caches", () => {
  test.each(Object.keys(RECIPIENTS) as ("en" | "ar" | "ko" | "zh")[])("a mail merge in %s gives each recipient the bytes of a render in a fresh process", async (locale) => {
    const letters = RECIPIENTS[locale].map((recipient) => personalized(locale, recipient));
    // Warm: one font library and its caches for the whole merge, as a render worker has.
    const fonts = loadFontLibrary();
    const warm: Buffer[] = [];
    for (const html of letters) warm.push(await renderPdf(html, options(locale, { fonts })));
    expect(new Set(warm.map((pdf) => pdf.toString("base64"))).size).toBe(letters.length);
    for (const [i, html] of letters.entries()) {
      resetCaches();
      const cold = await renderPdf(html, options(locale, { fonts: loadFontLibrary() }));
      expect({ recipient: i, identical: cold.equals(warm[i]!) }).toEqual({ recipient: i, identical: true });
    }
  });

  test("warming up a process changes no byte of the documents it renders", async () => {
    const html = personalized("ar", RECIPIENTS.ar[0]!);
    resetCaches();
    const cold = await renderPdf(html, options("ar"));
    resetCaches();
    const fonts = loadFontLibrary();
    await warmUp(fonts, ["en", "ru", "ar", "zh", "ko"], (locale) => stylesheetsFor(locale));
    const warm = await renderPdf(html, options("ar", { fonts }));
    expect(warm.equals(cold)).toBe(true);
  });
});
