import { execFileSync } from "node:child_process";
import { localeInfo, type LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { options, toFile } from "./pdf-inspect";

/**
 * A right-to-left document says so to viewers: the catalog's /ViewerPreferences carries
 * /Direction /R2L (ISO 32000-1 12.2, Table 150), so facing pages and thumbnails run right to left.
 * Read back from real pdfkit output with qpdf's JSON.
 */

const WORDS: Partial<Record<string, string>> = {
  ar: "رسالة مفتوحة",
  fa: "نامه سرگشاده",
  he: "מכתב פתוח",
  ur: "کھلا خط",
  yi: "אַן אָפֿענער בריוו",
  en: "An open letter",
  ja: "公開書簡",
  ru: "Открытое письмо",
  "az-Arab": "آچیق مکتوب",
  "az-Latn": "Açıq məktub",
};

/** The catalog's viewer preferences as qpdf reads them (indirect or direct). */
function viewerPreferences(pdf: Buffer): Record<string, unknown> {
  const json = JSON.parse(execFileSync("qpdf", ["--json=2", "--json-key=qpdf", toFile(pdf)], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const objects = json.qpdf[1] as Record<string, { value?: Record<string, unknown> }>;
  const catalog = Object.values(objects).find((object) => object.value?.["/Type"] === "/Catalog")?.value;
  if (!catalog) throw new Error("no catalog");
  const preferences = catalog["/ViewerPreferences"];
  return (typeof preferences === "string" ? objects[`obj:${preferences}`]?.value : preferences) as Record<string, unknown>;
}

async function renderIn(locale: LocaleId): Promise<Buffer> {
  const { dir } = localeInfo(locale);
  const html = `<article class="letter" lang="${locale}" dir="${dir}"><p>${WORDS[locale]}</p></article>`;
  return renderPdf(html, options(locale));
}

describe("the PDF's reading direction (ViewerPreferences /Direction)", () => {
  it.each(["ar", "fa", "he", "ur", "yi"] as LocaleId[])("a %s document, right to left, says /Direction /R2L", async (locale) => {
    expect(localeInfo(locale).dir).toBe("rtl");
    const preferences = viewerPreferences(await renderIn(locale));
    expect(preferences["/Direction"]).toBe("/R2L");
    // The title is still what viewers show (displayTitle), beside the direction.
    expect(preferences["/DisplayDocTitle"]).toBe(true);
  });

  it.each(["en", "ja", "ru", "az-Latn"] as LocaleId[])("a %s document, left to right, keeps the default direction (no /Direction)", async (locale) => {
    const preferences = viewerPreferences(await renderIn(locale));
    expect(preferences["/Direction"]).toBeUndefined();
    expect(preferences["/DisplayDocTitle"]).toBe(true);
  });
});
