// Extracts each page's text with pdf.js (through unpdf), in its own Node process: pdf.js is an ES module
// that expects Node's own loader, not Jest's. Usage: node extract-text.mjs file.pdf -> JSON array of page texts.
import { readFileSync } from "node:fs";
import { extractText, getDocumentProxy } from "unpdf";

const pdf = await getDocumentProxy(new Uint8Array(readFileSync(process.argv[2])));
const { text } = await extractText(pdf, { mergePages: false });
process.stdout.write(JSON.stringify(text));
