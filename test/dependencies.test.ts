import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLE_FILES } from "../functions/deployment-contract";
import { importGraph } from "./support/import-graph";
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
    const { packages } = await importGraph(["functions/render/handler.ts", "functions/download/handler.ts", "local/cli.ts"]);
    const imported = new Set(packages.map(packageOf));
    const assetPackages = new Set(BUNDLE_FILES.map((file) => packageOf(file.anchor)));
    const { dependencies } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const unused = Object.keys(dependencies).filter((name) => !imported.has(name) && !assetPackages.has(name));
    expect(unused).toEqual([]);
  });
});
