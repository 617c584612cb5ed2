/**
 * The HTML edition's warm time per personalized letter, per language (issue 12 item 9: under 1 ms).
 * A measurement script, not a test: `npx tsx bench/html-warm.ts [iterations]`. Prints the median
 * and the 90th percentile per language of the letters the bench measures and the committee letter,
 * and the weight of a personalized page (its fonts embedded: the merge's characters).
 */
import { join } from "node:path";
import { renderDocument } from "../functions/core/render-document";
import { loadLetter } from "../functions/letters/load-letters";
import { createRenderer } from "../functions/render/create-renderer";
import { mailMergeLetter, ordinalRange, personalizedStream } from "./workload";

const REPO = join(__dirname, "..");
const iterations = Number(process.argv[2] ?? 200);

async function main(): Promise<void> {
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  for (const letterId of ["unsc-dprk-2015", "committee-hearing-defenders"]) {
    const real = await loadLetter(join(REPO, "data"), letterId);
    // A mail merge of warm-up readers and as many again as are measured (synthetic readers,
    // bench/workload.ts mailMergeLetter); a letter with none stays general.
    const warmups = 40;
    const parsed = real.letter.facts.recipients.length > 0 ? mailMergeLetter(real, ordinalRange(1, warmups + iterations)) : real;
    for (const locale of parsed.letter.translations.keys()) {
      const all = personalizedStream(parsed, locale, "html", warmups + iterations);
      // Warm-up letters first (the merge's subsets, styles, code), then each measured letter to a reader not rendered before.
      for (const request of all.slice(0, warmups)) await renderDocument(renderer, parsed, request);
      const stream = all.slice(warmups);
      const times: number[] = [];
      let bytes = 0;
      for (const request of stream) {
        const start = performance.now();
        bytes = (await renderDocument(renderer, parsed, request)).bytes.length;
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
      process.stdout.write(`${letterId} ${locale}: median ${at(0.5)} ms, p90 ${at(0.9)} ms, page ${(bytes / 1024).toFixed(1)} KB\n`);
    }
  }
}

void main();
