import { FLAG_WORDING, localeProblem, readWrittenLocale, REQUEST_WORDING } from "../functions/locale-suggestion";

/** One suggestion for every reader (issue 15 item 2): `--locale`, the download and share routes, the render function. */
describe("what a person is told about a language asked for", () => {
  const letter = ["ar", "en", "fr", "pt-BR", "sr-Latn", "zh", "zh-Hant"];

  it.each([
    ["EN", "en"],
    ["pt-br", "pt-BR"],
    ["PT_BR", "pt-BR"],
    ["pt_br", "pt-BR"],
    ["Sr-LATN", "sr-Latn"],
    ["zh-hant", "zh-Hant"],
    ["Ar", "ar"],
  ])("says %s is written %s, and lists the letter's languages", (written, tag) => {
    expect(localeProblem(written, letter, REQUEST_WORDING)).toBe(
      `locale "${written}": this letter's tag is "${tag}" (BCP 47, as its translation file ${tag}.json is named); did you mean "${tag}"? ` +
        "(languages of this letter: ar, en, fr, pt-BR, sr-Latn, zh, zh-Hant)",
    );
  });

  it.each([
    ["en-GB", "en-GB", '"en"'],
    ["en_us", "en-US", '"en"'],
    ["pt", "Portuguese (pt)", '"pt-BR"'],
    ["zh-hans", "zh-Hans", '"zh"'],
    ["zh-TW", "zh-TW", '"zh-Hant"'],
    ["zh-HK", "zh-HK", '"zh-Hant"'],
    ["zh-CN", "zh-CN", '"zh"'],
    ["sr-Latn-RS", "sr-Latn-RS", '"sr-Latn"'],
  ])("says the letter has no %s translation, suggesting its tags of the same language and script", (written, tag, suggested) => {
    expect(localeProblem(written, letter, REQUEST_WORDING)).toBe(
      `locale "${written}": this letter has no ${tag} translation; did you mean ${suggested}? (languages of this letter: ar, en, fr, pt-BR, sr-Latn, zh, zh-Hant)`,
    );
  });

  /**
   * fresh7 item 13: `--locale zh-Hant` was told `--locale zh` (Simplified): a suggestion never changes the
   * script or the region. fresh user 8a, item 7: the same language in another script is named as such, with
   * both scripts (`--locale sr` got no word of the data's sr-Latn), never as "did you mean".
   */
  it.each([
    ["zh-Hant", ["zh", "en"], "zh-Hant's Traditional, Hant: --locale zh (Simplified, Hans)"],
    ["zh-TW", ["zh", "zh-Hans"], "zh-TW's Traditional, Hant: --locale zh (Simplified, Hans) or --locale zh-Hans (Simplified, Hans)"],
    ["zh-Hans", ["zh-Hant", "zh-TW"], "zh-Hans's Simplified, Hans: --locale zh-Hant (Traditional, Hant) or --locale zh-TW (Traditional, Hant)"],
    ["sr-Cyrl", ["sr-Latn", "en"], "sr-Cyrl's Cyrillic, Cyrl: --locale sr-Latn (Latin, Latn)"],
    ["sr-Latn", ["sr", "sr-Cyrl"], "sr-Latn's Latin, Latn: --locale sr (Cyrillic, Cyrl) or --locale sr-Cyrl (Cyrillic, Cyrl)"],
    ["az-Arab", ["az", "az-Latn"], "az-Arab's Arabic, Arab: --locale az (Latin, Latn) or --locale az-Latn (Latin, Latn)"],
  ])("suggests nothing for %s when only another script is there, and names that script", (written, languages, other) => {
    expect(localeProblem(written, languages, FLAG_WORDING)).toBe(
      `--locale ${written}: the letters have no ${written} translation; the letters have it in another script than ${other} (languages of the data: ${[...languages].sort().join(", ")})`,
    );
  });

  it.each([
    ["pt-PT", ["pt-BR", "en"]],
    ["en-GB", ["en-US", "en-AU"]],
  ])("suggests nothing for %s when only another region is there", (written, languages) => {
    expect(localeProblem(written, languages, FLAG_WORDING)).toBe(
      `--locale ${written}: the letters have no ${written} translation (languages of the data: ${[...languages].sort().join(", ")})`,
    );
  });

  it("suggests only the tags of the asked script among several of one language", () => {
    expect(localeProblem("zh-Hant-TW", ["zh", "zh-Hant", "zh-Hans-SG", "zh-HK"], FLAG_WORDING)).toBe(
      "--locale zh-Hant-TW: the letters have no zh-Hant-TW translation; did you mean --locale zh-Hant? (languages of the data: zh, zh-HK, zh-Hans-SG, zh-Hant)",
    );
    expect(localeProblem("sr", ["sr-Cyrl", "sr-Latn"], FLAG_WORDING)).toBe(
      "--locale sr: the letters have no Serbian (sr) translation; did you mean --locale sr-Cyrl? (languages of the data: sr-Cyrl, sr-Latn)",
    );
  });

  it.each([
    ["jp", ["en", "ja"], "ja"],
    ["fx", ["ar", "en", "fr"], "fr"],
    ["JP", ["en", "ja"], "ja"],
  ])("suggests for %s, a mistyped language, the nearest tag of another language (%j): %s", (written, languages, meant) => {
    expect(localeProblem(written, languages, FLAG_WORDING)).toBe(
      `--locale ${written}: the letters have no ${written.toLowerCase()} translation; did you mean --locale ${meant}? (languages of the data: ${languages.join(", ")})`,
    );
  });

  it.each([
    ["he", "Hebrew", ["de", "en"]],
    ["es", "Spanish", ["en", "fr"]],
    ["vi", "Vietnamese", ["en", "vo"]],
    ["ko", "Korean", ["en", "ka"]],
  ])("never answers %s, a real language the letter lacks, with a neighbour by spelling, but names it: %s (%j)", (written, name, languages) => {
    expect(localeProblem(written, languages, FLAG_WORDING)).toBe(
      `--locale ${written}: the letters have no ${name} (${written}) translation (languages of the data: ${languages.join(", ")})`,
    );
  });

  it("names a language the letter lacks entirely with the languages it has", () => {
    expect(localeProblem("de", letter, REQUEST_WORDING)).toBe(
      'locale "de": this letter has no German (de) translation (languages of this letter: ar, en, fr, pt-BR, sr-Latn, zh, zh-Hant)',
    );
    expect(localeProblem("de", [], REQUEST_WORDING)).toBe('locale "de": this letter has no German (de) translation (languages of this letter: none)');
  });

  it.each([
    ["gr", ["el"]],
    ["ua", ["uk"]],
    ["cn", ["zh", "zh-Hant"]],
    ["il", ["he"]],
  ])("takes %s, a country's code, for the language of that country the letter has", (written, meant) => {
    const languages = ["el", "en", "he", "uk", "zh", "zh-Hant"];
    expect(localeProblem(written, languages, REQUEST_WORDING)).toContain(`did you mean ${meant.map((tag) => `"${tag}"`).join(" or ")}?`);
  });

  it.each(["ja", "qq", "de"])("takes %s, a language or no region, for no country: nothing suggested from a country", (written) => {
    expect(localeProblem(written, ["de-AT", "en", "fr"], REQUEST_WORDING)).not.toContain('"en"');
  });

  it("takes a language the letter has, as written, without a word", () => {
    for (const tag of letter) expect(localeProblem(tag, letter, REQUEST_WORDING)).toBeUndefined();
  });

  it("says the tag of a language written otherwise even when the letter's languages are not known", () => {
    expect(localeProblem("pt-br", undefined, REQUEST_WORDING)).toBe('locale "pt-br": a language tag is written "pt-BR" (BCP 47); did you mean "pt-BR"?');
    expect(localeProblem("fr", undefined, REQUEST_WORDING)).toBeUndefined();
  });

  it("words the same suggestion for the command line", () => {
    expect(localeProblem("pt_br", ["en", "pt-BR"], FLAG_WORDING)).toBe(
      '--locale pt_br: the data\'s tag is "pt-BR" (BCP 47, as its translation file pt-BR.json is named); did you mean --locale pt-BR? (languages of the data: en, pt-BR)',
    );
    expect(localeProblem("en-GB", ["en", "pt-BR"], FLAG_WORDING)).toBe(
      "--locale en-GB: the letters have no en-GB translation; did you mean --locale en? (languages of the data: en, pt-BR)",
    );
  });

  it.each(["<script>", "../x", "en/fr", "e n", "", "a".repeat(36), "en\u0000", "ｅｎ", "en-", "-en", "en--GB"])("reads %j as no language tag, and never echoes it", (written) => {
    expect(readWrittenLocale(written)).toBeUndefined();
    const problem = localeProblem(written, letter, REQUEST_WORDING)!;
    expect(problem).toContain("not a language tag");
    if (written.length > 0) expect(problem).not.toContain(written);
  });
});
