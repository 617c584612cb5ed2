import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StylesheetSource } from "../../../functions/core/style";
import { HYPHENATE_LIMIT_CHARS, hyphenateFragment, hyphenateText, type HyphenationPatterns } from "../../../functions/core/text/hyphenate";
import { loadHyphenation } from "../../../functions/hyphenation/load-hyphenation";

/**
 * The hyphenation stage: soft hyphens from the hyphen package's TeX patterns, by language, where
 * the computed style says `hyphens: auto`, put into the filled template before both editions.
 */

const SHY = "\u00AD";
const patterns = loadHyphenation();
const unshy = (text: string) => text.replaceAll(SHY, "");

describe("hyphenation patterns, found by their files", () => {
  it.each([
    ["de", "Menschenrechtsverletzungen"],
    ["de-AT", "Untersuchungskommission"],
    ["ru", "ответственность"],
    ["uk", "відповідальність"],
    ["fr", "gouvernement"],
    ["en-GB", "international"],
    ["el", "ανθρωπίνων"],
  ])("%s hyphenates %s between syllables and keeps its letters", (lang, word) => {
    const hyphenate = patterns.hyphenatorFor(lang);
    expect(hyphenate).not.toBeNull();
    const out = hyphenate!(word);
    expect(out).toContain(SHY);
    expect(unshy(out)).toBe(word);
  });

  it.each(["ko", "ja", "xx", "und", ""])("has no patterns for %j: its words are left whole", (lang) => {
    expect(patterns.hyphenatorFor(lang)).toBeNull();
  });

  // The script from the tag or from Intl.Locale maximize(): Serbian is written in both, and the package
  // ships Latin Serbian as sh-latn, which a lookup by prefix (sr-latn -> sr, the Cyrillic set) never finds.
  it.each([
    ["sr-Latn", "organizacija", "or-ga-ni-za-ci-ja"],
    ["sr-Latn-RS", "ministarstva", "mi-ni-star-stva"],
    ["sr-ME", "organizacija", "or-ga-ni-za-ci-ja"],
    ["sh", "organizacija", "or-ga-ni-za-ci-ja"],
    ["sr", "организација", "ор-га-ни-за-ци-ја"],
    ["sr-Cyrl", "организација", "ор-га-ни-за-ци-ја"],
    ["sh-Cyrl", "организација", "ор-га-ни-за-ци-ја"],
    ["de-CH-1996", "Menschenrechtsverletzungen", "Men-schen-rechts-ver-let-zun-gen"],
    ["mn", "хөгжүүлэлт", "хөг-жүү-лэлт"],
  ])("%s takes the patterns of its language in its script: %s -> %s", (lang, word, expected) => {
    expect(patterns.hyphenatorFor(lang)?.(word).replaceAll(SHY, "-")).toBe(expected);
  });

  it.each([
    ["ru-Latn", "a Latin Russian: the package has only Cyrillic ru"],
    ["mn-Mong", "Mongolian in its own script: the package has only Cyrillic mn"],
    ["zh", "Chinese in Han: the package's zh is an alias of pinyin (zh-latn-pinyin)"],
    ["uz-Cyrl", "no Uzbek at all"],
  ])("applies no patterns of another script to %s (%s)", (lang) => {
    expect(patterns.hyphenatorFor(lang)).toBeNull();
  });

  it("never hyphenates Latin Serbian with the Cyrillic patterns, nor Cyrillic with the Latin ones", () => {
    expect(patterns.hyphenatorFor("sr")?.("organizacija")).toBe("organizacija");
    expect(patterns.hyphenatorFor("sr-Latn")?.("организација")).toBe("организација");
  });

  it("takes a language that only its files bring, with no code edit", () => {
    const dir = mkdtempSync(join(tmpdir(), "letterpress-hyphen-"));
    try {
      // A package laid out as hyphen is, with one made-up language that breaks after every "a".
      mkdirSync(join(dir, "x-test"));
      writeFileSync(join(dir, "x-test", "index.js"), `module.exports = { hyphenateSync: (word) => word.replace(/a(?=.)/g, "a${SHY}") };`);
      const own = loadHyphenation(dir);
      expect(own.hyphenatorFor("x-test-ZZ")?.("banana")).toBe(`ba${SHY}na${SHY}na`);
      expect(own.hyphenatorFor("de")).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hyphenateText: the limits Chromium applies (hyphenate-limit-chars: auto)", () => {
  const de = patterns.hyphenatorFor("de")!;
  const text = "Die Untersuchungskommission empfahl dem Sicherheitsrat Maßnahmen, die Verantwortlichen zur Rechenschaft zu ziehen: 2015, DVRK, Ehe, Abend.";

  it("breaks no word shorter than 5 letters and leaves 2 letters at least on each side of a break", () => {
    const out = hyphenateText(text, "de", de);
    expect(unshy(out)).toBe(text);
    expect(out).toContain(`Un${SHY}ter${SHY}su${SHY}chungs${SHY}kom${SHY}mis${SHY}si${SHY}on`);
    for (const word of out.split(/[^\p{L}\p{M}\u00ad]+/u).filter(Boolean)) {
      const letters = unshy(word);
      if (letters.length < HYPHENATE_LIMIT_CHARS.word) expect(word).toBe(letters);
      const parts = word.split(SHY);
      if (parts.length > 1) {
        expect(parts[0]!.length).toBeGreaterThanOrEqual(HYPHENATE_LIMIT_CHARS.before);
        expect(parts[parts.length - 1]!.length).toBeGreaterThanOrEqual(HYPHENATE_LIMIT_CHARS.after);
      }
    }
  });

  it("hyphenates German nouns, which start with a capital, but not a capitalized English word", () => {
    expect(hyphenateText("Sicherheitsrat", "de", de)).toContain(SHY);
    const en = patterns.hyphenatorFor("en")!;
    expect(hyphenateText("Commission", "en", en)).toBe("Commission");
    expect(hyphenateText("commission", "en", en)).toContain(SHY);
  });

  it("never hyphenates CJK, Hangul or Thai words, whatever the patterns", () => {
    const every: (word: string) => string = (word) => [...word].join(SHY);
    for (const word of ["安全理事会审议", "안전보장이사회는", "ว่าด้วยสถานการณ์ในเกาหลีเหนือ"]) expect(hyphenateText(word, "xx", every)).toBe(word);
  });
});

describe("hyphenateFragment: where the computed style says hyphens: auto", () => {
  const sheet = (text: string): StylesheetSource[] => [{ name: "print.css", origin: "author", text }];
  const fragment =
    '<article class="letter" lang="de" dir="ltr">\n<h1 id="t">Untersuchungskommission</h1>\n<section class="body"><p id="p1">Die Untersuchungskommission &amp; <q cite="#x">„die Verantwortlichen“</q> <span lang="en">international commission</span> &lt;Zeichen&gt;\u00a0Sicherheitsrat.</p></section>\n</article>';

  it("returns the template unchanged, without parsing, when no stylesheet says hyphens", () => {
    const counting: HyphenationPatterns = {
      hyphenatorFor: () => {
        throw new Error("no language should be asked for");
      },
    };
    expect(hyphenateFragment(fragment, sheet(".body p { text-align: justify; }"), counting)).toBe(fragment);
  });

  it("hyphenates only text whose element's computed style is auto (inherited), each in its own language", () => {
    const out = hyphenateFragment(fragment, sheet(".body { hyphens: auto; } .body q { hyphens: manual; }"), patterns);
    // The heading is outside .body: whole. The quotation says manual: whole.
    expect(out).toContain('<h1 id="t">Untersuchungskommission</h1>');
    expect(out).toContain("„die Verantwortlichen“");
    expect(out).toContain(`Un${SHY}ter${SHY}su${SHY}chungs`);
    expect(out).toContain(`Si${SHY}cher${SHY}heits${SHY}rat`);
    // The English span takes English patterns.
    expect(out).toMatch(new RegExp(`in${SHY}ter${SHY}na${SHY}tion${SHY}al com${SHY}mis${SHY}sion`));
  });

  it("keeps the markup and the text's meaning: only soft hyphens are added, entities stay text", () => {
    const out = hyphenateFragment(fragment, sheet("p { hyphens: auto; }"), patterns);
    expect(unshy(out).replace("&nbsp;", "\u00a0")).toBe(fragment);
    expect(out).toContain("&amp;");
    expect(out).toContain("&lt;Zei");
  });

  it("leaves a language without patterns unhyphenated", () => {
    const korean = fragment.replace('lang="de"', 'lang="ko"').replace('<span lang="en">', "<span>");
    expect(hyphenateFragment(korean, sheet("p { hyphens: auto; }"), patterns)).toBe(korean);
  });
});

/**
 * A letter of a shape hyphenated before (same markup and sheets, other words: a mail merge) is not
 * parsed and styled again (hyphenate.ts HyphenationShape): its words are hyphenated where the first
 * letter's text nodes were. Each letter must come out as it does when it is the first of its shape.
 */
describe("hyphenateFragment over a mail merge", () => {
  const sheets: StylesheetSource[] = [{ name: "print.css", origin: "author", text: ".body { hyphens: auto; } .body q { hyphens: manual; }" }];
  const letter = (name: string, representative: string) =>
    `<article class="letter" lang="de" dir="ltr">\n<address class="addressee">${name}</address>\n<section class="body"><p>Sehr geehrte ${name},</p><p><span class="name">${representative}</span> &amp; die Untersuchungskommission <q>„die Verantwortlichen“</q> <span lang="en">${representative}</span> Sicherheitsrat.</p></section>\n</article>`;
  /** A letter of another shape: made in between, it makes the next letter the first of its shape. */
  const other = '<article class="letter" lang="de"><section class="body"><p>Menschenrechtsverletzungen</p></section></article>';
  const first = (fragment: string) => {
    hyphenateFragment(other, sheets, patterns);
    return hyphenateFragment(fragment, sheets, patterns);
  };

  it("gives each reader's letter, made after others of its shape, what it gives made first", () => {
    const readers = [
      letter("Botschafterin Zhang", "Ständige Vertreterin Chinas"),
      // Longer and shorter words than the first reader's: every offset after them moves.
      letter("Botschafter Delattre-Untersuchungsausschussvorsitzender", "Ständiger Vertreter Frankreichs bei den Vereinten Nationen"),
      letter("Frau Li", "Vertreter"),
      // Text that is not plain (a character reference) takes the whole stage again.
      letter("Herr M&amp;M", "Ständiger Vertreter"),
      letter("Botschafterin Zhang", "Ständige Vertreterin Chinas"),
    ];
    const expected = readers.map(first);
    hyphenateFragment(other, sheets, patterns);
    const merged = readers.map((fragment) => hyphenateFragment(fragment, sheets, patterns));
    expect(merged).toEqual(expected);
    expect(merged[1]).toContain(`Frank${SHY}reichs`);
    expect(merged[1]).toContain(`Un${SHY}ter${SHY}su${SHY}chungs`);
    // The addressee is outside .body: whole, whatever its length.
    expect(merged[1]).toContain('<address class="addressee">Botschafter Delattre-Untersuchungsausschussvorsitzender</address>');
  });

  it("reads the markup anew when it changes", () => {
    const plain = letter("Frau Li", "Vertreter");
    const quoted = plain.replace('<span class="name">Vertreter</span>', "<q>Untersuchungskommission</q>");
    hyphenateFragment(plain, sheets, patterns);
    expect(hyphenateFragment(quoted, sheets, patterns)).toBe(first(quoted));
    expect(hyphenateFragment(quoted, sheets, patterns)).toContain("<q>Untersuchungskommission</q>");
  });
});

describe("addresses are never hyphenated (a reader of the paper copy would type the hyphen)", () => {
  it.each([
    ["de", "kontakt: wasserversorgung@beispielorganisation.org, bitte", "wasserversorgung@beispielorganisation.org"],
    ["de", "(siehe https://menschenrechtsverletzungen.example/berichterstattung?seite=zwei)", "https://menschenrechtsverletzungen.example/berichterstattung?seite=zwei"],
    ["de", "Besuchen Sie www.menschenrechtsorganisation.de.", "www.menschenrechtsorganisation.de"],
    ["de", "Unterlagen unter menschenrechtsorganisation.example.org", "menschenrechtsorganisation.example.org"],
    ["sr-Latn", "kontakt: organizacija@ministarstvo.example.rs", "organizacija@ministarstvo.example.rs"],
    ["de", "mailto:verwaltungsgericht@example.org;", "mailto:verwaltungsgericht@example.org"],
    ["de", "Siehe beispielorganisation.de/verantwortlichkeitsuntersuchungskommission.", "beispielorganisation.de/verantwortlichkeitsuntersuchungskommission"],
  ])("%s: %j keeps %j whole and hyphenates the words around it", (lang, text, address) => {
    const out = hyphenateText(text, lang, patterns.hyphenatorFor(lang)!);
    expect(unshy(out)).toBe(text);
    expect(out).toContain(address);
    // The address's own words do hyphenate on their own: the stage holds them back, not the patterns.
    const longest = address.split(/[^\p{L}]+/u).sort((a, b) => b.length - a.length)[0]!;
    expect(hyphenateText(longest, lang, patterns.hyphenatorFor(lang)!)).toContain(SHY);
  });

  it("still hyphenates the words around an address, and a number with a dot is no address", () => {
    const de = patterns.hyphenatorFor("de")!;
    const out = hyphenateText("Menschenrechtsverletzungen: schreiben Sie an info@example.org oder Untersuchungskommission", "de", de);
    const tokens = out.split(" ");
    expect(tokens[0]).toContain(SHY);
    expect(tokens[4]).toBe("info@example.org");
    expect(tokens[6]).toContain(SHY);
    expect(hyphenateText("Untersuchungskommission 2.5", "de", de)).toBe(`${hyphenateText("Untersuchungskommission", "de", de)} 2.5`);
  });
});
