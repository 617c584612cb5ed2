/**
 * The heap one letter shape holds (render-pdf.ts LETTER_SHAPES: its tree, styles and texts), per
 * character of the letter's markup, to check the weight the cache gives it. Run with --expose-gc:
 *   node --expose-gc --import tsx bench/ab/shape-memory.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TypesetterCaches } from "../../functions/core/pdf/cache";
import { formatLetter } from "../../functions/core/pdf/render-pdf";
import { parseStylesheets } from "../../functions/core/style";
import { documentStylesheets } from "../../functions/core/style/document-stylesheets";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const templates = join(__dirname, "../../templates");
const sheets = parseStylesheets(
  documentStylesheets(
    { userAgent: readFileSync(join(templates, "ua.css"), "utf8"), author: readFileSync(join(templates, "un-security-council/print.css"), "utf8") },
    { script: "Latn", paper: "A4", pageLabel: (page, pages) => `Page ${page} of ${pages}`, runningTitle: "" },
  ),
);
const letter = readFileSync(join(__dirname, "../../test/fixtures/pdf/letter-en.html"), "utf8");
const count = 200;
const caches = new TypesetterCaches();
// Warm the style cache first, so only the shapes' own heap is counted.
formatLetter(letter, sheets, undefined, new TypesetterCaches());
gc();
const before = process.memoryUsage().heapUsed;
// Each letter a shape of its own (an id in its markup), as many as fit in the budget.
for (let i = 0; i < count; i++) formatLetter(letter.replace('<article class="letter"', `<article id="l${i}" class="letter"`), sheets, undefined, caches);
gc();
const kept = caches.entries.letterShapes ?? 0;
const bytes = (process.memoryUsage().heapUsed - before) / kept;
console.log(
  `${kept} shapes kept, ${Math.round(bytes)} bytes each, ${(bytes / letter.length).toFixed(1)} per character of the letter (${letter.length}); the cache's weight ${Math.round(caches.bytes / kept)} each`,
);
