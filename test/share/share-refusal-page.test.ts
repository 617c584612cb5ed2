import { SHIPPED_LOCALES } from "../support/letters";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HtmlValidate } from "html-validate";
import { localeInfo } from "../../functions/core/locales";
import { negotiateLocale, REFUSAL_PAGE_CSP, renderRefusalPage, type RefusalPageKind } from "../../functions/share/share-refusal-page";
import { loadPageCatalogs } from "../../functions/templates/page-catalogs";
import { attribute, byTag, findAll, parseDocument, textContent } from "../support/html";

const KINDS: RefusalPageKind[] = ["expired", "revoked", "gone", "updating", "invalid", "error"];

describe("the refused-link page", () => {
  let catalogs: Awaited<ReturnType<typeof loadPageCatalogs>>;
  beforeAll(async () => {
    catalogs = await loadPageCatalogs(join(__dirname, "../../templates"));
  });

  it.each(SHIPPED_LOCALES)("says what happened and whom to ask, in %s, for every kind of refusal", (locale) => {
    const headings = new Set<string>();
    for (const kind of KINDS) {
      const page = renderRefusalPage(kind, locale, catalogs);
      const document = parseDocument(page.html);
      const html = findAll(document, byTag("html"))[0]!;
      expect(attribute(html, "lang")).toBe(localeInfo(locale).tag);
      expect(attribute(html, "dir")).toBe(localeInfo(locale).dir);
      const title = findAll(document, byTag("title")).map(textContent);
      const heading = findAll(document, byTag("h1")).map(textContent);
      expect(heading).toEqual([catalogs[locale]![`share.${kind}.title`]]);
      expect(title).toEqual(heading);
      expect(findAll(document, byTag("p")).map(textContent)).toEqual([
        catalogs[locale]![`share.${kind}.body`],
        catalogs[locale]![kind === "error" || kind === "updating" ? "share.error.ask" : "share.askSharer"],
      ]);
      expect(findAll(document, byTag("main"))).toHaveLength(1);
      expect(findAll(document, (element) => ["script", "img", "link", "iframe", "form"].includes(element.tagName))).toEqual([]);
      headings.add(heading[0]!);
    }
    // Five different things happened; a reader must be able to tell them apart.
    expect(headings.size).toBe(KINDS.length);
  });

  it("answers 410 for a link that was good, 404 for one that never was, 503 for our failure", () => {
    expect(KINDS.map((kind) => renderRefusalPage(kind, "en", catalogs).statusCode)).toEqual([410, 410, 410, 503, 404, 503]);
  });

  it("is valid HTML with no inline style the policy does not allow", async () => {
    const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
    const page = renderRefusalPage("expired", "ar", catalogs);
    const report = await validator.validateString(page.html);
    expect(report.results.flatMap((result) => result.messages.map((message) => `${message.ruleId}: ${message.message}`))).toEqual([]);
    const style = /<style>([^<]*)<\/style>/.exec(page.html)![1]!;
    expect(REFUSAL_PAGE_CSP).toContain(`style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(REFUSAL_PAGE_CSP).toMatch(/^default-src 'none'; /);
    expect(page.html).not.toMatch(/style="/);
  });

  it("falls back to English when a catalog lacks the page's words", () => {
    const { ["share.expired.body"]: _dropped, ...french } = catalogs.fr!;
    const page = renderRefusalPage("expired", "fr", { ...catalogs, fr: french });
    expect(page.locale).toBe("en");
    expect(page.html).toContain('<html lang="en" dir="ltr">');
  });

  it.each([
    ["fr-CH, fr;q=0.9, en;q=0.8", "fr"],
    ["de-DE,de;q=0.9,es;q=0.8,en;q=0.5", "es"],
    ["en;q=0.1, ar", "ar"],
    ["zh-Hans-CN", "zh"],
    ["KO-kr", "ko"],
    ["ru;q=0, en;q=0.2", "en"],
    ["de, ja", undefined],
    ["*", undefined],
    ["", undefined],
    [undefined, undefined],
    [";;;,,,q=", undefined],
    ["zh-Hant-TW, zh;q=0.5", "zh-Hant"],
    ["pt-BR", "pt"],
    ["sr-Latn-RS", "sr-Latn"],
  ])("reads Accept-Language %j as %s", (header, expected) => {
    // The languages on offer are this test's own input, not the set the project ships.
    const available = ["en", "fr", "es", "ru", "zh", "ar", "ko", "zh-Hant", "pt", "sr-Latn"];
    expect(negotiateLocale(header, available)).toBe(expected);
  });

  it("escapes what the catalogs hold", () => {
    // ICU reads <tag> as rich text, so markup arrives as stray brackets, quotes and ampersands.
    const hostile = { ...catalogs.en!, "share.invalid.title": `a < b & "c" > d` };
    const page = renderRefusalPage("invalid", "en", { ...catalogs, en: hostile });
    expect(page.html).toContain("<h1>a &lt; b &amp; &quot;c&quot; &gt; d</h1>");
  });

  it("refuses share-page catalogs that would fail or fall back when printed, naming every file and key at once", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "letterpress-share-pages-")), "templates");
    try {
      cpSync(join(__dirname, "../../templates/share-pages"), join(copy, "share-pages"), { recursive: true });
      const edit = (locale: string, change: (catalog: Record<string, string>) => void) => {
        const file = join(copy, "share-pages", `${locale}.json`);
        const catalog = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
        change(catalog);
        writeFileSync(file, JSON.stringify(catalog));
      };
      // The fresh user's three: a malformed message and a rich-text tag answered 503; a missing key fell back to English in silence.
      edit("he", (catalog) => {
        catalog["share.revoked.title"] = "{x";
        catalog["share.expired.title"] = "<b>פג תוקף</b>";
      });
      edit("fr", (catalog) => {
        delete catalog["share.gone.body"];
      });
      const refused = loadPageCatalogs(copy);
      await expect(refused).rejects.toThrow(/templates\/share-pages\/he\.json line 1, column \d+: share\.revoked\.title: malformed ICU message/);
      await expect(refused).rejects.toThrow(/templates\/share-pages\/he\.json line 1, column \d+: share\.expired\.title: <b> is a rich-text tag/);
      await expect(refused).rejects.toThrow("templates/share-pages/fr.json: share.gone.body: missing");
    } finally {
      rmSync(dirname(copy), { recursive: true, force: true });
    }
  });
});
