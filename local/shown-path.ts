import { isAbsolute, relative } from "node:path";

/**
 * A path as the person would type it from the working folder, for messages: relative when inside it
 * (`out`, `data/water-appeal`), as given otherwise (`/tmp/out`), so messages never mix the two forms.
 */
export function relativeToHere(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === "" ? "." : relativePath.startsWith("..") || isAbsolute(relativePath) ? path : relativePath;
}
