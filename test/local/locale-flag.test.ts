import { readAskedLocale, resolveAskedLocales } from "../../local/locale-flag";

/** `--locale` as a new user types it (issue 12 follow-up, item 2): the tag the data has is suggested. */
describe("--locale", () => {
  const data = new Set(["en", "fr", "pt-BR", "zh-Hant", "sr-Latn"]);
  const resolve = (...written: string[]) =>
    resolveAskedLocales(
      written.map((item) => readAskedLocale(item)!),
      data,
    );
  const refusal = (...written: string[]) => {
    try {
      resolve(...written);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("not refused");
  };

  it("takes the data's tags as written", () => {
    expect(resolve("en", "pt-BR", "zh-Hant", "en")).toEqual(["en", "pt-BR", "zh-Hant"]);
  });

  it.each([
    ["EN", "en"],
    ["pt_br", "pt-BR"],
    ["PT-br", "pt-BR"],
    ["zh_hant", "zh-Hant"],
    ["sr_latn", "sr-Latn"],
    ["Fr", "fr"],
  ])("refuses %s, suggesting the data's tag %s", (written, tag) => {
    expect(refusal(written)).toContain(`--locale ${written}: the data's tag is "${tag}"`);
    expect(refusal(written)).toContain(`did you mean --locale ${tag}?`);
  });

  it.each([
    ["en_GB", "en-GB", "en"],
    ["en-US", "en-US", "en"],
    ["pt", "Portuguese (pt)", "pt-BR"],
    ["fr_CA", "fr-CA", "fr"],
  ])("refuses %s, which the data lacks, suggesting the data's tag of the same language", (written, tag, suggested) => {
    expect(refusal(written)).toContain(`--locale ${written}: the letters have no ${tag} translation; did you mean --locale ${suggested}?`);
  });

  it.each([
    ["sr", "sr", "Serbian (sr)", "Cyrillic, Cyrl", "--locale sr-Latn (Latin, Latn)"],
    ["sr-Cyrl", "sr-Cyrl", "sr-Cyrl", "Cyrillic, Cyrl", "--locale sr-Latn (Latin, Latn)"],
    ["zh", "zh", "Chinese (zh)", "Simplified, Hans", "--locale zh-Hant (Traditional, Hant)"],
  ])("refuses %s, naming the data's tag of the same language in another script, with both scripts, as no stand-in", (written, tag, lacked, script, other) => {
    const message = refusal(written);
    expect(message).toContain(`--locale ${written}: the letters have no ${lacked} translation; the letters have it in another script than ${tag}'s ${script}: ${other}`);
    expect(message).not.toContain("did you mean");
  });

  it("names a language the data lacks entirely with the languages it has, and every refused item at once", () => {
    const message = refusal("de", "EN");
    expect(message).toContain("--locale de: the letters have no German (de) translation (languages of the data: en, fr, pt-BR, sr-Latn, zh-Hant)");
    expect(message).toContain("--locale EN: ");
  });

  it("refuses what is no language tag at all", () => {
    expect(readAskedLocale("english!")).toBeUndefined();
    expect(readAskedLocale("")).toBeUndefined();
  });
});
