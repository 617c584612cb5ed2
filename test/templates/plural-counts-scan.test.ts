import { COUNTS_ASKED, categoryGoesOn, pluralRulesOf } from "../../functions/core/template/message-catalog";

/**
 * The plural check asks Intl.PluralRules for 208 whole counts (0-199 and the hundreds), not the 0-999
 * it scanned before (issue 13, cold start): this proves, for every language Intl knows, that it finds
 * what that scan found. Every category is met, with the same counts among those asked (so the same
 * first counts named), and a category with counts past those asked is one the check knows goes on
 * (categoryGoesOn: no exact `=n` branches cover it).
 */
const letters = "abcdefghijklmnopqrstuvwxyz";
const twoLetter = [...letters].flatMap((a) => [...letters].map((b) => a + b));
const threeLetter = twoLetter.flatMap((ab) => [...letters].map((c) => ab + c));
// The languages Intl has plural rules for, and regional forms CLDR gives rules of their own.
const languages = Intl.PluralRules.supportedLocalesOf([...twoLetter, ...threeLetter, "pt-PT", "sr-Latn", "zh-Hant", "ca-ES-valencia"]);
const FULL_SCAN = Array.from({ length: 1000 }, (_, count) => count);

function differencesFromFullScan(type: "cardinal" | "ordinal", asked: readonly number[]): string[] {
  const differences: string[] = [];
  for (const language of languages) {
    const short = pluralRulesOf(language, type, asked).wholeCounts;
    const full = pluralRulesOf(language, type, FULL_SCAN).wholeCounts;
    if ([...short.keys()].sort().join() !== [...full.keys()].sort().join())
      differences.push(`${language}: categories ${[...short.keys()].join()} against ${[...full.keys()].join()}`);
    for (const [category, counts] of full) {
      const among = counts.filter((count) => asked.includes(count));
      if ((short.get(category) ?? []).join() !== among.join()) differences.push(`${language} ${category}: counts differ among those asked`);
      if (among.length < counts.length && !categoryGoesOn(among))
        differences.push(`${language} ${category}: counts not asked (${counts.filter((count) => !asked.includes(count)).slice(0, 3)}), and those asked look like all it has`);
    }
  }
  return differences;
}

describe("the plural check's counts", () => {
  it("are asked of many languages (the list is not empty by accident)", () => {
    expect(languages.length).toBeGreaterThan(150);
    expect(languages).toEqual(expect.arrayContaining(["en", "fr", "ru", "sr", "ar", "cy", "it", "kw", "pt-PT"]));
    expect(COUNTS_ASKED.length).toBeLessThan(FULL_SCAN.length / 4);
  });

  it.each(["cardinal", "ordinal"] as const)("%s: find what the full scan of 0-999 finds, for every language Intl knows", (type) => {
    expect(differencesFromFullScan(type, COUNTS_ASKED)).toEqual([]);
  });

  it("and counts too few would be seen by this comparison (it can fail)", () => {
    // 0-199 alone misses Italian ordinal "many" at 800 (8, 11, 80, 800: no rule of the last two digits).
    expect(differencesFromFullScan("ordinal", FULL_SCAN.slice(0, 200))).toContain("it many: counts not asked (800), and those asked look like all it has");
    // Russian 0 is "many" and 1 "one"; "few" starts at 2.
    expect(differencesFromFullScan("cardinal", [0, 1])).toContainEqual(expect.stringMatching(/^ru: categories/));
  });
});
