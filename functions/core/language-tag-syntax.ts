import { canonicalLocale } from "./locales";

/**
 * Why a written name is no BCP 47 language tag at all (RFC 5646 section 2.1), said so a person can
 * mend it: `Intl` only refuses such a name, and "not a language tag" leaves `zh-TW-x` a puzzle.
 */

/** The singletons that open an extension or a private use part, and what must follow them. */
const SINGLETON_FOLLOWERS: Readonly<Record<string, string>> = {
  x: "a private-use subtag (1-8 letters or digits), as in zh-TW-x-mine",
  u: "a Unicode extension subtag (2-8 letters or digits), as in th-u-nu-thai",
  t: "a transformed-content subtag (2-8 letters or digits), as in und-t-it",
};

/**
 * What is wrong with `written` as a BCP 47 tag, by the first fault found from the left: characters a
 * tag cannot hold (`vi (copy)`), an empty or too long subtag, a first subtag that is no language, a
 * singleton with nothing after it (`zh-TW-x`: "x" must be followed by a private-use subtag).
 * Undefined when none of these is found (the name may still be ill-formed in another way, such as a
 * variant written twice, which `Intl` then refuses).
 */
export function languageTagFault(
  written: string,
  /** How a piece of the name is quoted in the answer (a file name's reader escapes control characters). */
  quoted: (text: string) => string = JSON.stringify,
): string | undefined {
  const shown = quoted(written);
  const strange = [...new Set(written.match(/[^A-Za-z0-9-]/gu) ?? [])];
  if (strange.length > 0) {
    const listed = strange.map(quoted).join(", ");
    return `${shown} holds ${listed}: a language tag has only ASCII letters, digits and hyphens`;
  }
  const subtags = written.split("-");
  if (subtags.some((subtag) => subtag === "")) return `${shown} has an empty subtag: a language tag's subtags are joined by single hyphens, with none at either end`;
  const tooLong = subtags.find((subtag) => subtag.length > 8);
  if (tooLong !== undefined) return `${shown} has the subtag "${tooLong}", longer than 8 characters, the most a subtag may have`;
  const language = subtags[0] ?? "";
  if (!/^([A-Za-z]{2,3}|[A-Za-z]{5,8})$/.test(language))
    return `${shown} starts with "${language}", which is no language subtag: a tag starts with a language's 2 or 3 letter code, such as en, vi or fil`;
  for (const [index, subtag] of subtags.entries()) {
    const singleton = subtag.toLowerCase();
    if (index === 0 || singleton.length !== 1) continue;
    const next = subtags[index + 1];
    const minimum = singleton === "x" ? 1 : 2;
    if (next === undefined || next.length < minimum) {
      const follower = SINGLETON_FOLLOWERS[singleton] ?? "an extension subtag (2-8 letters or digits)";
      const before = subtags.slice(0, index).join("-");
      return `${shown}: "${subtag}" must be followed by ${follower}; drop it to name the language alone (${canonicalLocale(before) ?? before})`;
    }
    if (singleton === "x") break; // What follows "x" is private: any subtags of 1-8 characters.
  }
  return undefined;
}
