/**
 * The PDF size targets' figures (issue 17: en <= 25 KB, ar and ko <= 45 KB), as the bench measures
 * them: the general letter (no recipient) of each language, rendered in-process from this tree; with
 * `--base REV`, the same from that revision's tree (its sources, this tree's node_modules) beside it.
 * KB are of 1,000 bytes, as the bench's table. With `--out DIR`, each PDF is written there too
 * (`<locale>.tree.pdf`, `<locale>.base.pdf`), to compare them decoded (`qpdf --qdf --stream-data=uncompress`).
 *
 *   npx tsx bench/ab/pdf-sizes.ts [--locales en,ar,ko] [--base HEAD] [--out DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: {
    locales: { type: "string", default: "en,ar,ko" },
    base: { type: "string" },
    root: { type: "string" },
    out: { type: "string" },
    label: { type: "string", default: "tree" },
  },
});

async function sizes(root: string, locales: string[]): Promise<Record<string, number>> {
  const { createRenderer } = await import(join(root, "functions/render/create-renderer"));
  const { loadLetter } = await import(join(root, "functions/letters/load-letters"));
  const { renderDocument } = await import(join(root, "functions/core/render-document"));
  const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(root, "data"), "unsc-dprk-2015");
  const out: Record<string, number> = {};
  for (const locale of locales) {
    const document = await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: null });
    out[locale] = document.bytes.length;
    if (values.out) writeFileSync(join(values.out, `${locale}.${values.label}.pdf`), document.bytes);
  }
  return out;
}

async function main(): Promise<void> {
  const locales = values.locales.split(",");
  if (values.root) {
    // The child of a --base run: one tree's sizes as JSON.
    process.stdout.write(`${JSON.stringify(await sizes(values.root, locales))}\n`);
    return;
  }
  const mine = await sizes(REPO, locales);
  let base: Record<string, number> | undefined;
  if (values.base) {
    const work = mkdtempSync(join(tmpdir(), "pdf-sizes-"));
    try {
      execFileSync("sh", ["-c", `git -C ${REPO} archive ${values.base} | tar -x -C ${work}`]);
      symlinkSync(join(REPO, "node_modules"), join(work, "node_modules"));
      const output = execFileSync(
        process.execPath,
        [
          "--import",
          "tsx",
          join(REPO, "bench/ab/pdf-sizes.ts"),
          "--root",
          work,
          "--locales",
          values.locales,
          "--label",
          "base",
          ...(values.out ? ["--out", resolve(values.out)] : []),
        ],
        {
          cwd: work,
          encoding: "utf8",
        },
      );
      base = JSON.parse(output.trim().split("\n").pop() as string) as Record<string, number>;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  console.log(`| locale | ${values.base ? `${values.base} bytes | ` : ""}tree bytes | tree KB |`);
  for (const locale of locales) console.log(`| ${locale} | ${base ? `${base[locale]} | ` : ""}${mine[locale]} | ${((mine[locale] as number) / 1000).toFixed(2)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
