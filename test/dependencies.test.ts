import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { BUNDLE_FILES } from "../functions/deployment-contract";
import { REPO } from "./support/letters";

/** The package a module specifier belongs to: `@scope/name` or `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/**
 * Every runtime dependency is used by what ships or runs: the two Lambda functions and the command
 * line. A dependency nothing imports (p-limit was one) is weight and supply-chain risk for nothing.
 */
describe("runtime dependencies", () => {
  it("are each imported by a function or the CLI, or hold a file a function reads (the fonts)", async () => {
    const result = await build({
      entryPoints: ["functions/render/handler.ts", "functions/download/handler.ts", "local/cli.ts"].map((entry) => join(REPO, entry)),
      bundle: true,
      write: false,
      platform: "node",
      packages: "external",
      metafile: true,
      logLevel: "silent",
      outdir: "out",
    });
    const imported = new Set(Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => packageOf(entry.path))));
    const assetPackages = new Set(BUNDLE_FILES.map((file) => packageOf(file.anchor)));
    const { dependencies } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const unused = Object.keys(dependencies).filter((name) => !imported.has(name) && !assetPackages.has(name));
    expect(unused).toEqual([]);
  });
});
