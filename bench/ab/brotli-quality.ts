/**
 * What Brotli's quality costs the HTML edition's subsets (functions/fonts/woff2.ts): each face the
 * seed letter's general page embeds, subset as the edition does, its WOFF2 stream read back and
 * compressed again at qualities 11, 10, 9, 7 and 5; time and the fonts' weight in the page (base64).
 * A measurement script, not a test: `npx tsx bench/ab/brotli-quality.ts [--locales ja,bn,en]`.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { editionStylesheets, fillLetter } from "../../functions/core/html/render-html";
import { fontUsage, styleLetter } from "../../functions/core/html/web-fonts";
import type { LocaleId } from "../../functions/core/locales";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({ options: { locales: { type: "string", default: "ja,bn,en" } } });

/** The uncompressed table stream of a WOFF2 file: the Brotli stream after the table directory, decompressed. */
function streamOf(woff2: Buffer): Buffer {
  const compressedSize = woff2.readUInt32BE(20);
  // The directory's length varies with its tags and sizes: the stream starts where it decompresses.
  for (let offset = 48; offset < woff2.length - compressedSize + 1; offset++) {
    try {
      // Some bytes decode as an empty or tiny stream: the tables are larger than what compresses them.
      const tables = brotliDecompressSync(woff2.subarray(offset, offset + compressedSize));
      if (tables.length > compressedSize) return tables;
    } catch {
      // Not the start of the stream.
    }
  }
  throw new Error("no Brotli stream found");
}

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const { letter } = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const engine = renderer.templates.forLetter(letter);
  process.stdout.write("| locale | quality | ms | fonts KB (base64) |\n| --- | --- | --- | --- |\n");
  for (const locale of values.locales.split(",") as LocaleId[]) {
    const filled = fillLetter(engine, letter, locale);
    const usage = fontUsage(renderer.webFonts!.fonts, styleLetter(filled.fragment, editionStylesheets(engine, locale, "A4", filled.view.title), engine.set.assets));
    const streams: Buffer[] = [];
    for (const [face, characters] of usage) streams.push(streamOf(Buffer.from(await renderer.webFonts!.subset(face, characters))));
    for (const quality of [11, 10, 9, 7, 5]) {
      let bytes = 0;
      const start = performance.now();
      for (const stream of streams) {
        const params = { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_FONT, [constants.BROTLI_PARAM_SIZE_HINT]: stream.length };
        bytes += brotliCompressSync(stream, { params }).byteLength;
      }
      process.stdout.write(`| ${locale} | ${quality} | ${(performance.now() - start).toFixed(0)} | ${((bytes / 1024) * (4 / 3)).toFixed(1)} |\n`);
    }
  }
}

void main();
