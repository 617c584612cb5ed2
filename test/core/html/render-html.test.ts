import { readdirSync } from "node:fs";
import { join } from "node:path";
import { HtmlValidate } from "html-validate";
import { localeInfo } from "../../../functions/core/locales";
import { renderHtml } from "../../../functions/core/html/render-html";
import { checkCatalogs } from "../../../functions/core/template/message-catalog";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { FAMILIES, primaryFamilyOf } from "../../../functions/core/pdf/font-library";
import { fontStackOf } from "../../../functions/core/style/document-stylesheets";
import { attribute, byTag, findAll, hasClass, parseDocument, readingText } from "../../support/html";
import { createEngine, loadFixtureLetter, loadSeedLetter, SEED_TEMPLATE, SEED_TEMPLATE_DIR, TEMPLATES_DIR, SHIPPED_LOCALES } from "../../support/letters";

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

describe("renderHtml on the seed letter", () => {
  let engine: TemplateEngine;
  let parsed: Awaited<ReturnType<typeof loadSeedLetter>>;
  beforeAll(async () => {
    engine = await createEngine();
    parsed = await loadSeedLetter();
  });

  describe.each(SHIPPED_LOCALES)("in %s", (locale) => {
    let html: string;
    beforeAll(() => {
      html = renderHtml(engine, parsed.letter, locale);
    });

    it("sets lang and dir on the page and on the letter", () => {
      const document = parseDocument(html);
      const [root] = findAll(document, byTag("html"));
      const [article] = findAll(document, byTag("article"));
      expect(attribute(root!, "lang")).toBe(localeInfo(locale).tag);
      expect(attribute(root!, "dir")).toBe(localeInfo(locale).dir);
      expect(attribute(article!, "lang")).toBe(localeInfo(locale).tag);
      expect(attribute(article!, "dir")).toBe(localeInfo(locale).dir);
    });

    it("prints every paragraph and quotation of the data, in order, with the quotations marked", () => {
      const translation = parsed.letter.translations.get(locale)!;
      const document = parseDocument(html);
      const bodyParagraphs = findAll(document, (element) => element.tagName === "p" && translation.paragraphs.some((p) => p.id === attribute(element, "id")));
      expect(bodyParagraphs.map((p) => attribute(p, "id"))).toEqual(translation.paragraphs.map((p) => p.id));
      translation.paragraphs.forEach((paragraph, index) => {
        const element = bodyParagraphs[index]!;
        const text = readingText(element);
        let position = 0;
        for (const segment of paragraph.content) {
          const expected = "quote" in segment ? segment.quote : segment.text;
          const found = text.indexOf(expected, position);
          expect(found).toBeGreaterThanOrEqual(position);
          position = found + expected.length;
        }
        const quotes = findAll(element, byTag("q"));
        const expectedQuotes = paragraph.content.filter((segment) => "quote" in segment);
        expect(quotes).toHaveLength(expectedQuotes.length);
        quotes.forEach((quote, q) => {
          const segment = expectedQuotes[q] as { quote: string; source: string };
          expect(readingText(quote)).toContain(segment.quote);
          expect(attribute(quote, "cite")).toBe(`#source-${segment.source}`);
        });
      });
    });

    it("lists all nine signatories and both sources of quotations", () => {
      const translation = parsed.letter.translations.get(locale)!;
      const document = parseDocument(html);
      const [signatories] = findAll(document, (element) => element.tagName === "section" && hasClass(element, "signatories"));
      const items = findAll(signatories!, byTag("li")).map((li) => collapse(readingText(li)));
      expect(items).toEqual(
        parsed.letter.facts.signatories.map(({ id }) => {
          const { name, abbreviation } = translation.signatories[id]!;
          return abbreviation ? `${name} (${abbreviation})` : name;
        }),
      );
      const sourceItems = findAll(document, (element) => element.tagName === "li" && (attribute(element, "id") ?? "").startsWith("source-"));
      expect(sourceItems.map((li) => readingText(li))).toEqual(Object.values(translation.sources));
    });

    it("has a title, a description and one h1 in the document's language", () => {
      const translation = parsed.letter.translations.get(locale)!;
      const document = parseDocument(html);
      expect(readingText(findAll(document, byTag("title"))[0]!)).toBe(translation.title);
      const description = findAll(document, (element) => element.tagName === "meta" && attribute(element, "name") === "description")[0]!;
      expect(attribute(description, "content")).toBe(translation.summary);
      expect(findAll(document, byTag("h1")).map(readingText)).toEqual([translation.title]);
      expect(findAll(document, byTag("main"))).toHaveLength(1);
    });

    it("carries the unofficial-translation notice exactly when it is a translation", () => {
      const notices = findAll(parseDocument(html), (element) => hasClass(element, "translation-notice"));
      expect(notices).toHaveLength(locale === "en" ? 0 : 1);
    });

    it("makes no request: no script, no external URL, a restrictive Content-Security-Policy", () => {
      const document = parseDocument(html);
      expect(findAll(document, byTag("script"))).toHaveLength(0);
      const urls = findAll(document, () => true).flatMap((element) =>
        ["src", "href", "action", "srcset", "poster"].map((name) => attribute(element, name)).filter((value): value is string => value !== undefined),
      );
      expect(urls.filter((url) => !url.startsWith("#"))).toEqual([]);
      expect(html).not.toMatch(/url\(|@import/);
      const csp = findAll(document, (element) => attribute(element, "http-equiv") === "Content-Security-Policy")[0]!;
      expect(attribute(csp, "content")).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    });

    it("passes html-validate's recommended rules", async () => {
      // A title is the letter's own, whatever its length; the inline style is allowed by the CSP's hash.
      const validator = new HtmlValidate({ extends: ["html-validate:recommended"], rules: { "no-inline-style": "off", "require-sri": "off", "long-title": "off" } });
      const report = await validator.validateString(html);
      const messages = report.results.flatMap((result) => result.messages.map((message) => `${message.ruleId}: ${message.message} (line ${message.line})`));
      expect(messages).toEqual([]);
    });

    it("sets --font-body to the font registry's family for the language's script, first (never undefined)", () => {
      // The stack is derived from the registry, not a per-script table, so a language added by files gets its own face.
      const body = /--font-body: ([^;]*);/.exec(html)?.[1];
      expect(body).toBeDefined();
      expect(body).not.toMatch(/undefined/);
      expect(body!.split(",")[0]!.trim()).toBe(`"${FAMILIES[primaryFamilyOf(localeInfo(locale).script)].name}"`);
    });

    it("is deterministic", () => {
      expect(renderHtml(engine, parsed.letter, locale)).toBe(html);
    });
  });

  it("renders a personalized letter per recipient, addressed in the recipient's language", () => {
    for (const recipient of parsed.letter.facts.recipients) {
      const html = renderHtml(engine, parsed.letter, recipient.locale, { recipientId: recipient.id });
      const [address] = findAll(parseDocument(html), byTag("address"));
      expect(readingText(address!)).toBe(parsed.letter.translations.get(recipient.locale)!.recipients[recipient.id]!.representative);
    }
  });

  it("uses US Letter paper when asked", () => {
    expect(renderHtml(engine, parsed.letter, "en", { paper: "Letter" })).toMatch(/size: ?letter\b/);
    expect(renderHtml(engine, parsed.letter, "en")).toMatch(/size: ?A4\b/);
  });
});

describe("the font stack of a script", () => {
  it.each([
    ["Hebr", "Noto Serif Hebrew", "serif"],
    ["Deva", "Noto Serif Devanagari", "serif"],
    ["Thai", "Noto Sans Thai", "sans-serif"],
    ["Jpan", "Noto Sans JP", "sans-serif"],
    ["Grek", "Noto Serif", "serif"],
    ["Beng", "Noto Serif Bengali", "serif"],
    ["Hant", "Noto Sans TC", "sans-serif"],
  ])("for %s starts with the registry's %s and ends with a generic family", (script, family, generic) => {
    const stack = fontStackOf(script);
    expect(stack.startsWith(`"${family}"`)).toBe(true);
    expect(stack.endsWith(`, ${generic}`)).toBe(true);
  });

  it("is the serif family's for a script the registry does not list (Tibetan), not undefined", () => {
    expect(fontStackOf("Tibt").startsWith(`"Noto Serif", `)).toBe(true);
  });

  it("starts with the script's own family where the registry has one (Ethiopic, Khmer)", () => {
    expect(fontStackOf("Ethi").startsWith(`"Noto Sans Ethiopic", `)).toBe(true);
    expect(fontStackOf("Khmr").startsWith(`"Noto Sans Khmer", `)).toBe(true);
  });

  it.each(["Latn", "Arab", "Hans", "Kore", "Ethi", "Tibt"])(
    "for %s lists every family of the registry once, the CJK families last, and no face of the reader's machine",
    (script) => {
      const names = fontStackOf(script)
        .split(", ")
        .slice(0, -1)
        .map((name) => JSON.parse(name) as string);
      const registry = Object.values(FAMILIES).map((family) => family.name);
      expect([...names].sort()).toEqual([...registry].sort());
      // The HTML edition embeds each face the PDF falls back to; the browser finds it only in the stack.
      expect(names[0]).toBe(FAMILIES[primaryFamilyOf(script)].name);
      // After the body family, the large CJK faces come last, as in the PDF's fallback order.
      const isCjk = (name: string) => /^Noto Sans (SC|TC|JP|KR)$/.test(name);
      const rest = names.slice(1).map(isCjk);
      expect(rest).toEqual([...rest].sort((a, b) => Number(a) - Number(b)));
    },
  );
});

describe("renderHtml on optional facts", () => {
  it("prints the date, when the letter has one, in the document's language", async () => {
    const engine = await createEngine();
    const { letter } = loadFixtureLetter("sample");
    const dated = { ...letter, facts: { ...letter.facts, date: "2015-12-01" } };
    expect(renderHtml(engine, dated, "fr")).toContain('<time datetime="2015-12-01">1 décembre 2015</time>');
    expect(renderHtml(engine, dated, "en")).toContain('<time datetime="2015-12-01">December 1, 2015</time>');
    expect(renderHtml(engine, letter, "en")).not.toContain("<time");
  });

  it("names the ambassador when the data does, and reads well when it does not", async () => {
    const engine = await createEngine();
    const { letter } = loadFixtureLetter("sample");
    const [named] = findAll(parseDocument(renderHtml(engine, letter, "en", { recipientId: "gb" })), byTag("address"));
    expect(readingText(named!)).toBe("H.E. Jane Example\nPermanent Representative of the United Kingdom to the United Nations");
    const [unnamed] = findAll(parseDocument(renderHtml(engine, letter, "fr", { recipientId: "fr" })), byTag("address"));
    expect(readingText(unnamed!)).toBe("Représentant permanent de la France auprès de l’Organisation des Nations Unies");
  });

  it("counts co-signers with the language's plural rules", async () => {
    const engine = await createEngine();
    const { letter } = loadFixtureLetter("sample");
    expect(renderHtml(engine, letter, "en")).toContain("<p>Co-signed by 2 organizations</p>");
    const one = { ...letter, facts: { ...letter.facts, signatories: letter.facts.signatories.slice(0, 1) } };
    expect(renderHtml(engine, one, "en")).toContain("<p>Co-signed by 1 organization</p>");
  });
});

describe("message catalogs", () => {
  it("give every locale every key of the English catalog, with the same ICU arguments", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    // Every catalog file present is checked, and every language the seed letter has needs one.
    expect(Object.keys(set.catalogs).sort()).toEqual(
      readdirSync(join(SEED_TEMPLATE_DIR, "messages"))
        .map((name) => name.replace(/\.json$/, ""))
        .sort(),
    );
    const { letter } = await loadSeedLetter();
    for (const locale of letter.translations.keys()) expect(Object.keys(set.catalogs)).toContain(locale);
    expect(checkCatalogs(set.catalogs, "en")).toEqual([]);
  });

  it("reports a catalog that lacks a key or changes an argument", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const { ["footer.page"]: _dropped, ...french } = set.catalogs.fr!;
    const korean = { ...set.catalogs.ko!, "signatories.cosigned": "{n}개 단체 공동 서명" };
    expect(checkCatalogs({ ...set.catalogs, fr: french, ko: korean }, "en")).toEqual([
      "messages/fr.json: footer.page: missing; every locale needs every key of messages/en.json",
      "messages/ko.json: signatories.cosigned: expected the arguments {count}, found {n}",
    ]);
  });
});

describe("the template engine", () => {
  it("names the catalog file, the key and the source that prints it when a message is missing, as the template is loaded", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const { ["closing.valediction"]: _dropped, ["footer.page"]: _label, ...catalog } = set.catalogs.fr!;
    expect(() => new TemplateEngine({ ...set, catalogs: { ...set.catalogs, fr: catalog } })).toThrow(
      "templates/un-security-council/messages/fr.json: footer.page: missing; the page label (--page-label) prints it\n" +
        "templates/un-security-council/messages/fr.json: closing.valediction: missing; partials/body.hbs line 7, column 20 prints it",
    );
  });

  it("names the template and the field when the view lacks a field", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    // A field no view has is refused when the template loads (view-fields.ts); one this view lacks, at render.
    expect(() => new TemplateEngine({ ...set, templates: { ...set.templates, letter: "<p>{{subtitle}}</p>" } })).toThrow(/letter\.hbs line 1, column 6: \{\{subtitle\}\}/);
    const engine = new TemplateEngine({ ...set, templates: { ...set.templates, letter: "<p>{{summary}}</p>" } });
    expect(() => engine.fill("letter", { title: "x" }, "en")).toThrow(/^template "un-security-council" \(letter\.hbs, locale en\): "summary" not defined/);
  });

  it("prints hostile text as inert text", async () => {
    const engine = await createEngine();
    const { letter } = loadFixtureLetter("hostile");
    for (const recipientId of [undefined, "fr"]) {
      const html = renderHtml(engine, letter, "en", recipientId ? { recipientId } : {});
      const document = parseDocument(html);
      expect(findAll(document, (element) => ["script", "img", "iframe", "b"].includes(element.tagName))).toHaveLength(0);
      expect(findAll(document, byTag("style"))).toHaveLength(1);
      expect(
        findAll(document, () => true)
          .flatMap((element) => element.attrs.map((attr) => attr.name))
          .filter((name) => name.startsWith("on")),
      ).toEqual([]);
      const text = readingText(findAll(document, byTag("main"))[0]!);
      expect(text).toContain("<script>alert('title')</script>");
      expect(text).toContain("{{constructor.constructor 'alert(1)'}}");
      expect(text).toContain("{{{x}}} & <b>bold</b>");
      expect(text).toContain("{{> letterhead}} {{#each this}}{{/each}} <!-- comment --> ]]>");
      expect(text).toContain("</q><script>alert('quote')</script><q>");
      expect(text).toContain("Report \u2067עברית\u2069 </li><li>injected");
      const sourceItems = findAll(document, (element) => element.tagName === "li" && (attribute(element, "id") ?? "").startsWith("source-"));
      expect(sourceItems).toHaveLength(1);
    }
  });
});
