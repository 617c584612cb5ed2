import * as printWidth from "../../functions/core/pdf/check-print-width";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

// The real check, counted.
jest.mock("../../functions/core/pdf/check-print-width", () => {
  const actual = jest.requireActual("../../functions/core/pdf/check-print-width");
  return { ...actual, checkPrintWidth: jest.fn(actual.checkPrintWidth) };
});

/**
 * The HTML edition of a letter with a table is refused where the PDF would be (core/pdf/check-print-width.ts),
 * which lays the letter out. A mail merge's letters hold the same tables for every reader, so the renderer
 * lays out a letter's tables once per language and paper: the same tables again pass without a layout, and
 * other tables are checked anew. Counted through the check's module, on the real committee letter.
 */
describe("the HTML edition's print-width check in a mail merge", () => {
  it("lays out a letter's tables once, and again only when they change", async () => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const parsed = await loadLetter(DATA_DIR, "committee-hearing-defenders");
    const spy = printWidth.checkPrintWidth as jest.Mock;
    spy.mockClear();
    for (let i = 0; i < 3; i++) await renderDocument(renderer, parsed, { letterId: "committee-hearing-defenders", locale: "en", recipientId: null, format: "html" });
    expect(spy).toHaveBeenCalledTimes(1);
    await renderDocument(renderer, parsed, { letterId: "committee-hearing-defenders", locale: "fr", recipientId: null, format: "html" });
    expect(spy).toHaveBeenCalledTimes(2);
    // Another table (a signatory renamed) is laid out anew.
    const renamed = structuredClone(parsed);
    const fr = renamed.letter.translations.get("fr")!;
    const [first] = Object.keys(fr.signatories);
    (fr.signatories as Record<string, { name: string }>)[first!]!.name += " (Genève)";
    await renderDocument(renderer, renamed, { letterId: "committee-hearing-defenders", locale: "fr", recipientId: null, format: "html" });
    expect(spy).toHaveBeenCalledTimes(3);
  });
});
