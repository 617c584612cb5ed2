import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { SNAPSHOT_BUNDLE } from "../../../functions/render/runtime/snapshot-bundling";

/**
 * The guards of a snapshot build (functions/render/runtime/snapshot-guards.ts), with a real
 * `node --build-snapshot` of a small entry that does at build time what the render code does: Intl
 * objects made at load and kept, an Error made at load (handlebars), node:http required after the
 * restore. Without the guards the build aborts; with them, the restored process must behave as a
 * plain one.
 */
describe("a startup snapshot built behind the guards", () => {
  let dir: string;
  let restored: Record<string, unknown>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "letterpress-snapshot-guards-"));
    const entry = join(dir, "entry.ts");
    await writeFile(
      entry,
      `import ${JSON.stringify(join(__dirname, "../../../functions/render/runtime/snapshot-prelude"))};
import { startupSnapshot } from "node:v8";
const locale = new Intl.Locale("ar-EG");
const words = new Intl.Segmenter("ar", { granularity: "word" });
const names = new Intl.DisplayNames(["en"], { type: "language" });
const prototypeError = new Error("made at load, as handlebars does");
startupSnapshot.setDeserializeMainFunction(() => {
  const http = require("node:http");
  const error = new Error("after restore");
  process.stdout.write(JSON.stringify({
    numberFormatLocale: new Intl.NumberFormat(locale).resolvedOptions().locale,
    twelve: new Intl.NumberFormat(locale).format(12),
    locale: String(locale),
    isLocale: locale instanceof Intl.Locale,
    words: [...words.segment("مرحبا بك")].filter((segment) => segment.isWordLike).length,
    language: names.of("fr"),
    stackLines: (error.stack ?? "").split("\\n").length,
    stackTraceLimit: Error.stackTraceLimit,
    prototypeError: prototypeError.message,
    console: typeof console.Console,
    http: typeof http.request,
    sorted: [3, 1, 2].toSorted().join(","),
  }));
});
`,
    );
    await build({ entryPoints: [entry], outfile: join(dir, "entry.js"), bundle: true, platform: "node", format: "cjs", ...SNAPSHOT_BUNDLE, logLevel: "error" });
    execFileSync(process.execPath, ["--snapshot-blob", join(dir, "guards.blob"), "--build-snapshot", join(dir, "entry.js")], { cwd: dir, stdio: "pipe" });
    restored = JSON.parse(execFileSync(process.execPath, ["--snapshot-blob", join(dir, "guards.blob")], { cwd: dir, encoding: "utf8" })) as Record<string, unknown>;
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps Intl objects made at build time working after the restore, and a kept Locale is a locale to Intl again", () => {
    // A stand-in given to a real constructor as one argument would be read as an empty list: en-US.
    expect(restored).toMatchObject({ numberFormatLocale: "ar-EG", twelve: "١٢", locale: "ar-EG", isLocale: true, words: 2, language: "French" });
  });

  it("gives the restored process its stack traces, its console's Console class and node:http", () => {
    expect(restored["stackLines"]).toBeGreaterThan(1);
    expect(restored).toMatchObject({ stackTraceLimit: 10, prototypeError: "made at load, as handlebars does", console: "function", http: "function", sorted: "1,2,3" });
  });
});
