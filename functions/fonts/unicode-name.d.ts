declare module "unicode-name" {
  /** The character's Unicode name or, for a character without one, its label ("<reserved-0378>"); undefined for no character. */
  export function unicodeName(char: string): string | undefined;
}
