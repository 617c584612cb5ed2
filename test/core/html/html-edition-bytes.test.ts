import { createHash } from "node:crypto";
import type { LocaleId } from "../../../functions/core/locales";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import { TemplateLibrary } from "../../../functions/core/template/template-library";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * The HTML edition is assembled from bytes kept across a merge (its fonts' rules, its head and the
 * digest of both): each page must be the bytes and the SHA-256 a page made from its text would be.
 */
describe("the HTML edition's bytes and digest", () => {
  let renderer: DocumentRenderer;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  });

  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  it("carry the digest of their own bytes, letter after letter of a merge and across languages", async () => {
    const parsed = await loadLetter(DATA_DIR, SEED_LETTER);
    const readers = [null, ...parsed.letter.facts.recipients.slice(0, 3).map((recipient) => recipient.id)];
    let pages = 0;
    for (const locale of ["en", "bn", "zh", "en"] as LocaleId[]) {
      for (const recipientId of [...readers, readers[1]!]) {
        const document = await renderDocument(renderer, parsed, { letterId: SEED_LETTER, locale, format: "html", recipientId });
        expect(document.sha256).toBe(sha256(document.bytes));
        // Whole UTF-8: what a page made from one string encodes to.
        expect(Buffer.from(document.bytes.toString("utf8"), "utf8").equals(document.bytes)).toBe(true);
        pages++;
      }
    }
    expect(pages).toBe(20);
  });

  it("hold the style wherever and however often the template's page prints it", async () => {
    const parsed = await loadLetter(DATA_DIR, SEED_LETTER);
    const sets = renderer.templates.names.map((name) => renderer.templates.get(name)!.set);
    const page = sets.find((set) => set.name === SEED_TEMPLATE)!.templates.page!;
    const twice = page.replace("</body>", "<template>{{{css}}}</template>\n</body>");
    expect(twice).not.toBe(page);
    const withPage = (text: string): DocumentRenderer => ({
      ...renderer,
      templates: new TemplateLibrary(sets.map((set) => (set.name === SEED_TEMPLATE ? { ...set, templates: { ...set.templates, page: text } } : set))),
    });
    const request = { letterId: SEED_LETTER, locale: "ko" as LocaleId, format: "html" as const, recipientId: parsed.letter.facts.recipients[0]!.id };
    const once = await renderDocument(withPage(page), parsed, request);
    const doubled = await renderDocument(withPage(twice), parsed, request);
    expect(doubled.sha256).toBe(sha256(doubled.bytes));
    const style = /<style>([\s\S]*)<\/style>/.exec(once.bytes.toString("utf8"))![1]!;
    expect(style).toContain("@font-face");
    expect(doubled.bytes.toString("utf8")).toBe(once.bytes.toString("utf8").replace("</body>", `<template>${style}</template>\n</body>`));
  });
});
