/** The languages letterpress ships, with what rendering needs to know about each. */
export const SUPPORTED_LOCALES = ["en", "fr", "es", "ru", "zh", "ar", "ko"] as const;

export type LocaleId = (typeof SUPPORTED_LOCALES)[number];

/** The writing systems our fonts are chosen by. */
export type Script = "Latn" | "Cyrl" | "Arab" | "Hans" | "Kore";

export interface LocaleInfo {
  id: LocaleId;
  /** BCP 47 tag for `lang` attributes, `Intl` and PDF metadata. */
  tag: string;
  dir: "ltr" | "rtl";
  script: Script;
}

export const LOCALES: Readonly<Record<LocaleId, LocaleInfo>> = {
  en: { id: "en", tag: "en", dir: "ltr", script: "Latn" },
  fr: { id: "fr", tag: "fr", dir: "ltr", script: "Latn" },
  es: { id: "es", tag: "es", dir: "ltr", script: "Latn" },
  ru: { id: "ru", tag: "ru", dir: "ltr", script: "Cyrl" },
  zh: { id: "zh", tag: "zh-Hans", dir: "ltr", script: "Hans" },
  ar: { id: "ar", tag: "ar", dir: "rtl", script: "Arab" },
  ko: { id: "ko", tag: "ko", dir: "ltr", script: "Kore" },
};

export function isLocaleId(value: string): value is LocaleId {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
