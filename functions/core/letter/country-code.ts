// The library's own module, without its Node entry, which loads the country names of 80 languages (700 KB) we never read.
import countries from "i18n-iso-countries/index";

/**
 * Recipient countries as ISO 3166-1 alpha-2 codes, assigned ones only: `ZZ` (unknown), `QO` (CLDR's
 * Outlying Oceania) and the exceptionally reserved `UK` and `EU` are no country's code, though CLDR
 * names them (`Intl.DisplayNames` alone accepted them). The list of assigned codes is
 * i18n-iso-countries' (kept to the ISO 3166 Maintenance Agency's).
 */

/** CLDR's English region names: to match a code that is not assigned to the assigned code of the same place. */
const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

const ASSIGNED = Object.keys(countries.getAlpha2Codes());

/** The assigned code of the place an unassigned one names in CLDR (`UK` -> `GB`, `AN` -> none, `SU` -> `RU`). */
function assignedCodeFor(code: string): string | undefined {
  const name = REGION_NAMES.of(code);
  return name === undefined ? undefined : ASSIGNED.find((assigned) => REGION_NAMES.of(assigned) === name);
}

/** The assigned code of a country written by its English name instead (`France` -> `FR`), as CLDR names it. */
function codeOfName(written: string): string | undefined {
  const name = written.trim().toLowerCase();
  return ASSIGNED.find((assigned) => REGION_NAMES.of(assigned)?.toLowerCase() === name);
}

/**
 * What is wrong with a country code (`undefined`: an assigned ISO 3166-1 alpha-2 code), with the
 * code meant when one is clear: `gb` -> `GB`, `UK` -> `GB`, `France` -> `FR`. The message is the schema's, for a data issue.
 */
export function countryCodeProblem(written: string): string | undefined {
  const code = written.toUpperCase();
  if (/^[A-Z]{2}$/.test(written) && countries.isValid(written)) return undefined;
  const meant = /^[A-Za-z]{2}$/.test(written) ? (countries.isValid(code) ? code : assignedCodeFor(code)) : codeOfName(written);
  const named = meant === undefined ? "" : ` (${REGION_NAMES.of(meant) ?? meant})`;
  return `expected an assigned ISO 3166-1 alpha-2 country code, got "${written}"${meant === undefined ? "" : `; did you mean "${meant}"${named}?`}`;
}
