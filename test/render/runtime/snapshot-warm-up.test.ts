import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { PREPARED_TEMPLATES_FILE } from "../../../functions/render/prepared-file";
import { SNAPSHOT_BUNDLE } from "../../../functions/render/runtime/snapshot-bundling";
import { warmUpForSnapshot } from "../../../functions/render/runtime/snapshot-warm-up";
import { writePreparedTemplates } from "../../../infra/bundling/prepare-templates";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";

/**
 * What a startup snapshot's build does beyond building the renderer, so that the restored process's
 * first document has less to do: the templates precompiled at bundling time read while the snapshot is
 * built (preparedBesideCode), and the warm-up of a letter of its own (snapshot-warm-up.ts).
 */
describe("the startup snapshot's warm-up", () => {
  it("reads the prepared templates beside the code while a snapshot is built (Handlebars would otherwise compile them on first use, after the restore)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "letterpress-snapshot-prepared-"));
    try {
      await writePreparedTemplates(TEMPLATES_DIR, join(dir, PREPARED_TEMPLATES_FILE));
      const entry = join(dir, "entry.ts");
      await writeFile(
        entry,
        `import { startupSnapshot } from "node:v8";
import { preparedBesideCode } from ${JSON.stringify(join(__dirname, "../../../functions/render/prepared-beside-code"))};
const prepared = preparedBesideCode(${JSON.stringify(dir)});
const templates = Object.keys(prepared?.templates ?? {}).length;
startupSnapshot.setDeserializeMainFunction(() => process.stdout.write(JSON.stringify({ templates })));
`,
      );
      await build({ entryPoints: [entry], outfile: join(dir, "entry.js"), bundle: true, platform: "node", format: "cjs", ...SNAPSHOT_BUNDLE, logLevel: "error" });
      execFileSync(process.execPath, ["--snapshot-blob", join(dir, "prepared.blob"), "--build-snapshot", join(dir, "entry.js")], { cwd: dir, stdio: "pipe" });
      const restored = JSON.parse(execFileSync(process.execPath, ["--snapshot-blob", join(dir, "prepared.blob")], { cwd: dir, encoding: "utf8" })) as { templates: number };
      // Every template source of both shipped templates (letter.hbs and its partials), not none.
      expect(restored.templates).toBeGreaterThan(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe("on a renderer", () => {
    let warmed: DocumentRenderer;
    let cold: DocumentRenderer;

    beforeAll(async () => {
      warmed = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
      cold = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    });

    it("validates its own letter and fills the default template with it (a schema change that refuses the letter fails the snapshot's build)", () => {
      expect(() => warmUpForSnapshot(warmed)).not.toThrow();
    });

    it.each(["en", "ar"] as const)(
      "changes no byte of the next documents (%s, PDF and HTML, general and personalized)",
      async (locale) => {
        const parsed = await loadLetter(DATA_DIR, SEED_LETTER);
        const recipient = parsed.letter.facts.recipients[0]?.id ?? null;
        for (const format of ["pdf", "html"] as const) {
          for (const recipientId of [null, recipient]) {
            const request = { letterId: SEED_LETTER, locale, format, recipientId };
            const [after, without] = [await renderDocument(warmed, parsed, request), await renderDocument(cold, parsed, request)];
            expect(after.sha256).toBe(without.sha256);
          }
        }
      },
      120_000,
    );
  });
});
