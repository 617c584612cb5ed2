// Reads a PDF's logical structure back with pdf.js (through unpdf), in its own Node process like
// extract-text.mjs: every page's structure tree, each element's role and the text of its marked
// content. Usage: node table-structure.mjs file.pdf -> JSON array (per page) of trees.
import { readFileSync } from "node:fs";
import { getDocumentProxy } from "unpdf";

const pdf = await getDocumentProxy(new Uint8Array(readFileSync(process.argv[2])));
const pages = [];
for (let p = 1; p <= pdf.numPages; p++) {
  const page = await pdf.getPage(p);
  const content = await page.getTextContent({ includeMarkedContent: true });
  // The text of each marked-content sequence, by its id ("p12R_mc3").
  const texts = new Map();
  const open = [];
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") open.push(item.id ?? null);
    else if (item.type === "endMarkedContent") open.pop();
    else if (typeof item.str === "string") {
      // A span inside a sequence (an ActualText span of the writer's) is part of the sequence around it (ISO 32000-1 14.6).
      const id = open.findLast((mcid) => mcid !== null);
      if (id) texts.set(id, (texts.get(id) ?? "") + item.str);
    }
  }
  const walk = (node) => {
    if (node.type === "content") return { text: texts.get(node.id) ?? "" };
    return { role: node.role, children: (node.children ?? []).map(walk) };
  };
  const tree = await page.getStructTree();
  pages.push(tree ? walk(tree) : null);
}
process.stdout.write(JSON.stringify(pages));
