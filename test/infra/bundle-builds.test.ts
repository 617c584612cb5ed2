import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Metafile } from "esbuild";
import { assetPath, BUNDLE_FILES } from "../../functions/fonts/font-files";
import { REPO } from "../support/letters";
import { buildRenderBundle, bundleLikeLambda } from "../support/render-bundle";

/**
 * Each package in the render Lambda's bundle once: a package that ships a CommonJS and an ES build
 * (fontkit: dist/main.cjs and dist/module.mjs) is bundled twice when one importer requires it and
 * another imports it, and a cold start then compiles and evaluates both copies (fontkit's decodes its
 * Unicode tables at load). Built as infra/constructs/letter-function.ts builds it (LAMBDA_BUNDLE).
 */

/** The files a package.json declares for its root (`import "pkg"`): main, module and every condition of exports ".". */
function declaredEntries(packageDir: string): Set<string> {
  const manifest = JSON.parse(readFileSync(join(REPO, packageDir, "package.json"), "utf8")) as Record<string, unknown>;
  const entries = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === "string") entries.add(join(packageDir, value));
    else if (value && typeof value === "object") for (const nested of Object.values(value)) add(nested);
  };
  add(manifest["main"]);
  add(manifest["module"]);
  const exports = manifest["exports"];
  // Subpath exports ("./locales") are other modules of the same build; only the root's conditions are builds of one module.
  const subpaths = exports && typeof exports === "object" && Object.keys(exports).some((key) => key.startsWith("."));
  add(subpaths ? (exports as Record<string, unknown>)["."] : exports);
  return entries;
}

describe("the render bundle's code", () => {
  let metafile: Metafile;
  beforeAll(async () => {
    const result = await buildRenderBundle("handler.js", { write: false });
    metafile = result.metafile;
  }, 60_000);

  it("bundle no package from two of its builds (fontkit's CommonJS and ES builds were both in it)", () => {
    const inputs = Object.keys(metafile.inputs);
    const packageDirs = new Set(inputs.map((path) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]).filter((dir): dir is string => dir !== undefined));
    const twice: string[] = [];
    for (const dir of packageDirs) {
      if (!existsSync(join(REPO, dir, "package.json"))) continue;
      const entries = declaredEntries(dir);
      const bundled = inputs.filter((path) => entries.has(path));
      if (bundled.length > 1) twice.push(`${dir}: ${bundled.join(", ")}`);
    }
    expect(twice).toEqual([]);
    // The check sees fontkit at all (its entry is one of the declared ones).
    expect(inputs.filter((path) => declaredEntries("node_modules/fontkit").has(path))).toEqual(["node_modules/fontkit/dist/main.cjs"]);
  });

  it("hold no Brotli decoder (fontkit's WOFF2 reader; our faces are TrueType): its stub refuses a WOFF2 font by name", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => path.includes("node_modules/brotli/"))).toEqual([]);
    expect(inputs).toContain("infra/bundling/without-brotli/decompress.js");
    const decompress = require(join(REPO, "infra/bundling/without-brotli/decompress.js")) as () => never;
    expect(() => decompress()).toThrow(/no Brotli decoder: fonts must be TrueType or OpenType files, not WOFF2/);
  });

  it("hold no AES (pdfkit's encryption, which PDF/A forbids): its stub refuses to encrypt", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => path.includes("node_modules/@noble/ciphers/"))).toEqual([]);
    expect(inputs).toContain("infra/bundling/without-encryption/aes.js");
    const aes = require(join(REPO, "infra/bundling/without-encryption/aes.js")) as { cbc: () => never; ecb: () => never };
    expect(() => aes.cbc()).toThrow(/no AES: a PDF\/A document is never encrypted/);
    expect(() => aes.ecb()).toThrow(/no AES/);
  });

  it("hold no table of Unicode character names (2.2 MB, for the message of a refused letter only): its stub names nothing, and the message keeps the code point", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => path.includes("node_modules/unicode-name/"))).toEqual([]);
    expect(inputs).toContain("infra/bundling/without-unicode-names/index.js");
    const stub = require(join(REPO, "infra/bundling/without-unicode-names/index.js")) as { unicodeName: (char: string) => string | undefined };
    expect(stub.unicodeName("\u{13000}")).toBeUndefined();
  });

  it("hold css-tree's parser, generator and walker without its lexer and mdn-data's syntax tables (built at load, read by nothing)", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain("node_modules/css-tree/cjs/parser/index.cjs");
    expect(inputs.filter((path) => path.includes("node_modules/mdn-data/") || path.includes("node_modules/css-tree/cjs/lexer/"))).toEqual([]);
  });

  it("hold zod's English messages only: every module imports zod as a namespace (import * as z), so the bundler keeps what is used, not zod's 40-odd locales and JSON Schema converters", () => {
    // What reached the output (esbuild lists every file it read among the inputs, shaken out or not).
    const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined) as Metafile["outputs"][string];
    const zod = Object.entries(output.inputs).filter(([path, input]) => path.includes("node_modules/zod/") && input.bytesInOutput > 0);
    const inputs = zod.map(([path]) => path);
    expect(inputs).toContain("node_modules/zod/v4/locales/en.js");
    expect(inputs.filter((path) => path.includes("/locales/") && !path.endsWith("/locales/en.js"))).toEqual([]);
    expect(inputs.filter((path) => /from-json-schema/.test(path))).toEqual([]);
    const zodBytes = zod.reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(zodBytes).toBeLessThan(150_000);
  });

  it("word zod's errors in English in a bundle shaken of its other locales, as from the sources", async () => {
    const dir = mkdtempSync(join(tmpdir(), "letterpress-zod-"));
    try {
      const probe = `import * as z from "zod";
const schema = z.object({ id: z.string().min(2), pages: z.number().int(), kind: z.enum(["pdf", "html"]) });
const result = schema.safeParse({ id: "x", pages: 1.5, kind: "png" });
process.stdout.write(JSON.stringify(result.success ? [] : result.error.issues.map((issue) => issue.message)));
`;
      writeFileSync(join(dir, "entry.ts"), probe);
      await bundleLikeLambda(join(dir, "entry.ts"), join(dir, "index.js"), { nodePaths: [join(REPO, "node_modules")] });
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "index.js")], { cwd: dir });
      const z = await import("zod");
      const expected = z
        .object({ id: z.string().min(2), pages: z.number().int(), kind: z.enum(["pdf", "html"]) })
        .safeParse({ id: "x", pages: 1.5, kind: "png" })
        .error?.issues.map((issue) => issue.message);
      expect(JSON.parse(stdout)).toEqual(expected);
      expect(stdout).toMatch(/Too small|expected/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("build its Unicode tries through the lazy unicode-trie (inflated on first lookup, not at load)", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain("infra/bundling/lazy-unicode-trie/index.js");
    expect(inputs).toContain("node_modules/unicode-trie/index.js");
  });

  it("carry no WebAssembly WOFF2 encoder, in the code or beside the fonts (WOFF2 is written with Node's Brotli, functions/fonts/woff2.ts)", () => {
    expect(Object.keys(metafile.inputs).filter((path) => path.includes("node_modules/wawoff2/"))).toEqual([]);
    expect(BUNDLE_FILES.map((file) => file.fileName).filter((name) => /woff2|compress_binding/i.test(name))).toEqual([]);
  });

  it("make a WOFF2 web font from a bundle's font folder alone (no node_modules beside it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "letterpress-woff2-"));
    try {
      const fontDir = join(dir, "fonts");
      mkdirSync(fontDir);
      for (const file of BUNDLE_FILES) copyFileSync(assetPath(file), join(fontDir, file.fileName));
      const entry = join(dir, "entry.ts");
      writeFileSync(
        entry,
        `import { loadFontLibrary } from ${JSON.stringify(join(REPO, "functions/fonts/load-font-library"))};
import { createWebFonts } from ${JSON.stringify(join(REPO, "functions/fonts/web-fonts"))};
const fontDir = ${JSON.stringify(fontDir)};
createWebFonts(loadFontLibrary(fontDir), fontDir).subset("serif-regular", "Excellencies").then((woff2) => process.stdout.write(Buffer.from(woff2).subarray(0, 4).toString("latin1")));
`,
      );
      await bundleLikeLambda(entry, join(dir, "index.js"));
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "index.js")], { cwd: dir });
      expect(stdout).toBe("wOF2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the render bundle's lazy Unicode tries (infra/bundling/lazy-unicode-trie)", () => {
  const UnicodeTrie = require(join(REPO, "node_modules/unicode-trie/index.js")) as new (data: Uint8Array) => { get(codePoint: number): number };
  const LazyUnicodeTrie = require(join(REPO, "infra/bundling/lazy-unicode-trie/index.js")) as (new (data: Uint8Array) => { get(codePoint: number): number }) & { inflated: number };

  it("answer every code point as the tries inflated at load do (fontkit's shapers' data)", () => {
    for (const file of ["data.trie", "indic.trie", "use.trie"]) {
      const data = readFileSync(join(REPO, "node_modules/fontkit/src/opentype/shapers", file));
      const eager = new UnicodeTrie(data);
      const before = LazyUnicodeTrie.inflated;
      const lazy = new LazyUnicodeTrie(data);
      expect(LazyUnicodeTrie.inflated).toBe(before);
      const differing: number[] = [];
      for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) if (lazy.get(codePoint) !== eager.get(codePoint)) differing.push(codePoint);
      expect(differing).toEqual([]);
      expect(LazyUnicodeTrie.inflated).toBe(before + 1);
    }
  });
});
