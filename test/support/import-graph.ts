import { join } from "node:path";
import { build } from "esbuild";
import { REPO } from "./letters";

/** What some entry points load, read from esbuild's metafile with every package left external. */
export interface ImportGraph {
  /** Source files of the repository (paths relative to it), node_modules left out. */
  sources: string[];
  /** Module specifiers of the packages imported, each once. */
  packages: string[];
}

/** The import graph of entry points given relative to the repository, as a bundler sees it (nothing is written). */
export async function importGraph(entries: readonly string[]): Promise<ImportGraph> {
  const result = await build({
    entryPoints: entries.map((entry) => join(REPO, entry)),
    bundle: true,
    write: false,
    platform: "node",
    packages: "external",
    metafile: true,
    logLevel: "silent",
    outdir: "out",
  });
  return {
    sources: Object.keys(result.metafile.inputs).filter((input) => !input.startsWith("node_modules/")),
    packages: [...new Set(Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((imported) => imported.external).map((imported) => imported.path)))],
  };
}
