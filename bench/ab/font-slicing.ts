/**
 * Weighs the HTML edition's ways of embedding a personalized letter's fonts (issue 12 items 5 and 9):
 *
 *   merge (what ships)   one subset per face of every character of the merge's letters, made once per
 *                        language; each page carries the other readers' extra glyphs too
 *   general + extras     the letter to everyone's subsets (made once per language), and for each reader
 *                        whose words bring characters they lack, a small extra @font-face of the same
 *                        family with a `unicode-range`, subset and encoded for that reader
 *
 * For the seed letter's real readers it prints, per language: the page weight of the general letter
 * and of a merge page, and per reader the characters the general subsets lack, the extra faces'
 * bytes, and the time to subset and encode them (a new reader's cost; each reader's own characters,
 * so a fresh web font source each time). A measurement script, not a test:
 *
 *   npx tsx bench/ab/font-slicing.ts [--locales bn,ja,zh]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { editionStylesheets, fillLetter, renderHtmlWithFonts } from "../../functions/core/html/render-html";
import { type FontUsage, fontUsage, styleLetter } from "../../functions/core/html/web-fonts";
import type { LocaleId } from "../../functions/core/locales";
import type { FaceId } from "../../functions/core/pdf/font-library";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { createWebFonts } from "../../functions/fonts/web-fonts";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({ options: { locales: { type: "string", default: "ar,bn,en,hi,ja,ko,ru,th,zh" } } });

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** The characters per face of `usage` that `base` lacks. */
function extrasOf(usage: FontUsage, base: FontUsage): Map<FaceId, string> {
  const extras = new Map<FaceId, string>();
  for (const [face, characters] of usage) {
    const known = new Set(base.get(face) ?? "");
    const added = [...characters].filter((c) => !known.has(c)).join("");
    if (added !== "") extras.set(face, added);
  }
  return extras;
}

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const { letter } = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const engine = renderer.templates.forLetter(letter);
  const fonts = renderer.webFonts!.fonts;
  const rows: string[] = [];
  for (const locale of values.locales.split(",") as LocaleId[]) {
    const usageOf = (recipientId?: string) => {
      const filled = fillLetter(engine, letter, locale, recipientId);
      return fontUsage(fonts, styleLetter(filled.fragment, editionStylesheets(engine, locale, "A4", filled.view.title), engine.set.assets));
    };
    const general = usageOf();
    const generalPage = Buffer.byteLength(await renderHtmlWithFonts(engine, letter, locale, renderer.webFonts!));
    const readers = letter.facts.recipients.map((recipient) => recipient.id);
    const mergePage = Buffer.byteLength(await renderHtmlWithFonts(engine, letter, locale, renderer.webFonts!, { recipientId: readers[0] }));
    const added: number[] = [];
    const extraBytes: number[] = [];
    const extraMs: number[] = [];
    for (const reader of readers) {
      const extras = extrasOf(usageOf(reader), general);
      added.push([...extras.values()].reduce((sum, characters) => sum + [...characters].length, 0));
      if (extras.size === 0) continue;
      // A new reader's characters: nothing of theirs cached (a fresh source; the font files stay read).
      const source = createWebFonts(fonts);
      const start = performance.now();
      let bytes = 0;
      for (const [face, characters] of extras) bytes += (await source.subset(face, characters)).byteLength;
      extraMs.push(performance.now() - start);
      // As data: URIs in base64, with an @font-face rule of about 150 bytes each.
      extraBytes.push(Math.ceil(bytes / 3) * 4 + 150 * extras.size);
    }
    const bringing = added.filter((count) => count > 0).length;
    rows.push(
      `| ${locale} | ${kb(generalPage)} | ${kb(mergePage)} | ${bringing} / ${readers.length} | ${median(added)} (max ${Math.max(...added)}) | ${kb(median(extraBytes))} | ${kb(generalPage + median(extraBytes))} | ${median(extraMs).toFixed(1)} (max ${Math.max(0, ...extraMs).toFixed(1)}) |`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(
    `${[
      "| locale | general page KB | merge page KB (what ships) | readers bringing characters | characters a reader brings, median | extra faces KB, median | general + extras page KB | extra faces: subset + WOFF2 ms, median |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n")}\n`,
  );
}

void main();
