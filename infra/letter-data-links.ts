import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** A path as a glob matching only itself (CDK's asset exclusion reads minimatch globs). */
const literalGlob = (path: string) => path.replace(/[\\*?[\]{}()!+@]/g, (char) => `\\${char}`);

/**
 * The symbolic links under the letter data folder, as globs for the data asset's `exclude`: the local
 * readers skip a link with a warning (functions/letters/letter-source.ts), so the deployment leaves
 * it out too and the bucket holds the same files they read. Left in, the asset carries the link and
 * its upload the target's bytes (aws-cdk#9251), and the deployed letter would read differently.
 *
 * @param dataDir the folder deployed under `data/`
 * @returns paths relative to `dataDir`, '/'-separated, escaped as literal globs; empty when none
 */
export function symbolicLinksUnder(dataDir: string): string[] {
  const links: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) links.push(literalGlob(relative(dataDir, path).split("\\").join("/")));
      else if (stats.isDirectory()) walk(path);
    }
  };
  walk(dataDir);
  return links.sort();
}
