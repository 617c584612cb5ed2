import bidiFactory from "bidi-js";
import { renderHtml } from "../../functions/core/html/render-html";
import { attribute, byTag, findAll, parseDocument } from "../support/html";
import { createEngine, loadSeedLetter } from "../support/letters";
import { canonicalLocale, formattingLocale, isLocaleId, localeInfo, parseLocaleId, RTL_SCRIPTS } from "../../functions/core/locales";
import { MessageFormatter } from "../../functions/core/template/message-catalog";
import { parseCatalogFile } from "../../functions/templates/load-template-set";

describe("a language's script and direction, derived from its tag through Intl", () => {
  it.each([
    ["en", "Latn", "ltr"],
    ["he", "Hebr", "rtl"],
    ["fa", "Arab", "rtl"],
    ["ar", "Arab", "rtl"],
    ["ur", "Arab", "rtl"],
    ["zh", "Hans", "ltr"],
    ["zh-Hant", "Hant", "ltr"],
    ["zh-TW", "Hant", "ltr"],
    ["sr", "Cyrl", "ltr"],
    ["sr-Latn", "Latn", "ltr"],
    ["ja", "Jpan", "ltr"],
    ["ko", "Kore", "ltr"],
    ["hi", "Deva", "ltr"],
    ["bn", "Beng", "ltr"],
    ["th", "Thai", "ltr"],
    ["el", "Grek", "ltr"],
    ["uk", "Cyrl", "ltr"],
    ["pt-BR", "Latn", "ltr"],
  ])("%s is written in %s, %s", (tag, script, dir) => {
    expect(localeInfo(tag)).toEqual({ id: tag, tag, script, dir });
  });

  it.each([
    ["az-Arab", "Arab", "rtl"],
    ["pa-Arab", "Arab", "rtl"],
    ["ku-Arab", "Arab", "rtl"],
    ["ms-Arab", "Arab", "rtl"],
    ["uz-Arab", "Arab", "rtl"],
    ["ur-Aran", "Aran", "rtl"],
    ["uz-Latn", "Latn", "ltr"],
    ["az-Latn", "Latn", "ltr"],
    ["sr-Cyrl", "Cyrl", "ltr"],
    ["ks-Deva", "Deva", "ltr"],
    ["ks", "Arab", "rtl"],
    ["pa", "Guru", "ltr"],
    ["az", "Latn", "ltr"],
    ["dv", "Thaa", "rtl"],
    ["yi", "Hebr", "rtl"],
    ["syr", "Syrc", "rtl"],
    ["ff-Adlm", "Adlm", "rtl"],
  ])("%s, whose script subtag (or likely script) is %s, is %s: the direction is the script's", (tag, script, dir) => {
    expect(localeInfo(tag)).toEqual({ id: tag, tag, script, dir });
  });
});

describe("the right-to-left scripts, against the runtime's Unicode data", () => {
  const bidi = bidiFactory();
  const strongRtl = (letter: string) => ["R", "AL"].includes(bidi.getBidiCharTypeName(letter));
  /** Each script of the table this runtime's regular expressions know (`Aran` is an ISO 15924 variant, no Unicode script). */
  const known = [...RTL_SCRIPTS].flatMap((script) => {
    try {
      return [{ script, pattern: new RegExp(`^\\p{Script=${script}}$`, "u") }];
    } catch {
      return [];
    }
  });
  const letters = function* () {
    for (let codePoint = 0; codePoint < 0x110000; codePoint++) {
      if (codePoint >= 0xd800 && codePoint < 0xe000) continue;
      const letter = String.fromCodePoint(codePoint);
      if (/^\p{L}$/u.test(letter)) yield letter;
    }
  };

  it("knows all of the table's scripts but Aran and the Syriac variants (ISO 15924 codes, no Unicode scripts)", () => {
    expect([...RTL_SCRIPTS].filter((script) => !known.some((entry) => entry.script === script)).sort()).toEqual(["Aran", "Syre", "Syrj", "Syrn"]);
  });

  it("has every script with a right-to-left letter (bidi class R or AL), and no script with a left-to-right one", () => {
    const untabled = new Set<string>();
    const leftToRightInTable = new Set<string>();
    for (const letter of letters()) {
      const entry = known.find(({ pattern }) => pattern.test(letter));
      const hex = `U+${letter.codePointAt(0)!.toString(16).toUpperCase()}`;
      if (strongRtl(letter) && entry === undefined && !/^[\p{Script=Zyyy}\p{Script=Zinh}]$/u.test(letter)) untabled.add(hex);
      if (!strongRtl(letter) && entry !== undefined) leftToRightInTable.add(`${entry.script} ${hex}`);
    }
    expect({ untabled: [...untabled], leftToRightInTable: [...leftToRightInTable] }).toEqual({ untabled: [], leftToRightInTable: [] });
  });
});

describe("language tags", () => {
  it("accepts well-formed tags in canonical form, with script and region subtags", () => {
    expect(["en", "pt-BR", "zh-Hant", "sr-Latn", "es-419", "zh-Hant-TW"].every(isLocaleId)).toBe(true);
  });

  it.each([
    ["de_DE", "data/sample/de_DE.json", 'data/sample/de_DE.json: "de_DE" is not a BCP 47 language tag'],
    ["", "templates/messages/.json", 'templates/messages/.json: "" is not a BCP 47 language tag'],
    ["EN", "field locale", 'field locale: "EN" is not in canonical form; expected "en"'],
    ["pt-br", "templates/messages/pt-br.json", 'templates/messages/pt-br.json: "pt-br" is not in canonical form; expected "pt-BR"'],
    ["iw", "data/sample/iw.json", 'data/sample/iw.json: "iw" is not in canonical form; expected "he"'],
  ])("refuses %j, naming where it came from", (value, where, message) => {
    expect(() => parseLocaleId(value, where)).toThrow(message);
  });

  it("tells the canonical form of a tag, and nothing for a malformed one", () => {
    expect(canonicalLocale("ZH-hant-tw")).toBe("zh-Hant-TW");
    expect(canonicalLocale("not a tag")).toBeUndefined();
  });
});

describe("formatting per language, with a catalog's explicit overrides", () => {
  const date = Date.UTC(2015, 10, 5);

  it("formats fa dates in the Persian calendar by default (CLDR) and in the Gregorian one when the catalog says so", () => {
    const catalog = { d: "{date, date, long}" };
    expect(new MessageFormatter("fa", catalog).format("d", { date })).toBe(new Intl.DateTimeFormat("fa", { dateStyle: "long", timeZone: "UTC" }).format(date));
    expect(new MessageFormatter("fa", catalog).format("d", { date })).toContain("۱۳۹۴");
    const gregorian = new MessageFormatter("fa", catalog, { calendar: "gregory" });
    expect(gregorian.intlLocale).toBe("fa-u-ca-gregory");
    expect(gregorian.format("d", { date })).toContain("۲۰۱۵");
    expect(formattingLocale("ar", { numberingSystem: "arab" })).toBe("ar-u-nu-arab");
  });

  it("prints plain numeric arguments in the language's digits, as Intl does", () => {
    const catalog = { page: "{page} / {pages}", count: "{n, plural, other {#}}" };
    expect(new MessageFormatter("fa", catalog).format("page", { page: 1, pages: 12 })).toBe("۱ / ۱۲");
    expect(new MessageFormatter("bn", catalog).format("page", { page: 1, pages: 12 })).toBe("১ / ১২");
    expect(new MessageFormatter("hi", catalog).format("page", { page: 1, pages: 12 })).toBe(`${new Intl.NumberFormat("hi").format(1)} / ${new Intl.NumberFormat("hi").format(12)}`);
    expect(new MessageFormatter("en", catalog).format("page", { page: 1, pages: 1200 })).toBe("1 / 1200");
    // Strings pass through untouched (the HTML edition passes placeholders for CSS counters).
    expect(new MessageFormatter("fa", catalog).format("page", { page: "\uE000", pages: "\uE001" })).toBe("\uE000 / \uE001");
    expect(new MessageFormatter("fa", catalog).format("count", { n: 9 })).toBe("۹");
  });

  it('reads a catalog\'s "$locale" settings apart from its messages, and refuses a malformed one naming the field', () => {
    const { messages, overrides } = parseCatalogFile("templates/messages/fa.json", JSON.stringify({ $locale: { calendar: "gregory" }, a: "b" }));
    expect(messages).toEqual({ a: "b" });
    expect(overrides).toEqual({ calendar: "gregory" });
    expect(() => parseCatalogFile("templates/messages/fa.json", JSON.stringify({ $locale: { calendar: "Gregorian!" } }))).toThrow(
      "templates/messages/fa.json line 1, column 2: $locale.calendar: expected a Unicode calendar identifier",
    );
    expect(() => parseCatalogFile("templates/messages/fa.json", JSON.stringify({ $locale: { weekStart: 6 } }))).toThrow("templates/messages/fa.json line 1, column 2: $locale");
    expect(() => parseCatalogFile("templates/messages/fa.json", JSON.stringify({ a: 3 }))).toThrow(
      "templates/messages/fa.json line 1, column 2: a: expected an ICU message string, got 3",
    );
  });
});

describe("the seed letter's languages, as the HTML edition declares them", () => {
  it.each([
    ["he", "rtl"],
    ["fa", "rtl"],
    ["ar", "rtl"],
    ["ja", "ltr"],
    ["hi", "ltr"],
  ])("%s is declared %s, with its own tag", async (locale, dir) => {
    const engine = await createEngine();
    const { letter } = await loadSeedLetter();
    const [html] = findAll(parseDocument(renderHtml(engine, letter, locale)), byTag("html"));
    expect([attribute(html!, "lang"), attribute(html!, "dir")]).toEqual([locale, dir]);
  });
});
