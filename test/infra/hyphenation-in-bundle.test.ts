import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HYPHENATION_BUNDLE_FOLDER, hyphenationDir } from "../../functions/hyphenation/hyphenation-files";
import { REPO } from "../support/letters";
import { buildRenderBundle, bundleLikeLambda } from "../support/render-bundle";

/**
 * Fresh user 8a, item 15: the synth warned `"hyphen/package.json" should be marked as external for use
 * with "require.resolve"` (hyphenationDir's lookup of the installed package, made only when run from the
 * sources). LAMBDA_BUNDLE leaves that one lookup to run time; a bundle finds the patterns in its own
 * copy beside index.js, with no node_modules.
 */
describe("the hyphenation patterns in a Lambda bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "lp-hyphen-bundle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the render function bundles without a warning", async () => {
    const result = await buildRenderBundle(join(dir, "render.js"), { write: false });
    expect(result.warnings.map((warning) => `${warning.location?.file ?? ""}: ${warning.text}`)).toEqual([]);
  }, 120_000);

  it("hyphenates from the bundle's own copy of the patterns, run where there is no node_modules", async () => {
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      [
        `import { join } from "node:path";`,
        `import { loadHyphenation } from ${JSON.stringify(join(REPO, "functions/hyphenation/load-hyphenation"))};`,
        `const patterns = loadHyphenation(join(__dirname, ${JSON.stringify(HYPHENATION_BUNDLE_FOLDER)}));`,
        `process.stdout.write(patterns.hyphenatorFor("de-AT")?.(process.argv[2] ?? "") ?? "no patterns for de-AT");`,
      ].join("\n"),
    );
    const out = join(dir, "function");
    mkdirSync(out);
    const built = await bundleLikeLambda(entry, join(out, "index.js"));
    expect(built.warnings).toEqual([]);
    // The patterns beside index.js, as the render function's afterBundling copies them.
    cpSync(hyphenationDir(), join(out, HYPHENATION_BUNDLE_FOLDER), { recursive: true });
    // No pattern is in the code: they are files beside it, read when a language asks.
    expect(readFileSync(join(out, "index.js"), "utf8")).not.toContain("hyphenationPatternsDe");
    const run = await promisify(execFile)(process.execPath, [join(out, "index.js"), "Menschenrechtsverletzungen"], { cwd: out, env: { PATH: process.env["PATH"] ?? "" } });
    expect(run.stdout).toBe("Men\u00adschen\u00adrechts\u00adver\u00adlet\u00adzun\u00adgen");
  }, 120_000);
});
