import * as webFonts from "../../../functions/core/html/web-fonts";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import { TemplateLibrary } from "../../../functions/core/template/template-library";
import type { TemplateSet } from "../../../functions/core/template/template-engine";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSets } from "../../../functions/templates/load-template-set";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";

// The parse and style stages, counted: the warm round must reach its pages without them.
jest.mock("../../../functions/core/html/web-fonts", () => {
  const actual = jest.requireActual("../../../functions/core/html/web-fonts");
  return { ...actual, styleLetter: jest.fn(actual.styleLetter) };
});

/**
 * The HTML edition's caches (the template's parsed sheets, sources and page style with its fonts'
 * CSS and hash; the letter's shape, whose runs stand for every letter of that markup; the font
 * library's face assignment per run) change no byte: every personalized
 * letter of a warm mail merge, in every language of every shipped letter, equals the same letter
 * made by a renderer whose caches are all new. The two share only the WOFF2 subsetter (subsets are
 * keyed by face and exact characters, and compressing them cold for each letter would take minutes).
 */
describe("the HTML edition's caches", () => {
  let warm: DocumentRenderer;
  let sets: TemplateSet[];
  const letters: ParsedLetter[] = [];
  beforeAll(async () => {
    warm = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    sets = await loadTemplateSets(TEMPLATES_DIR);
    letters.push(await loadLetter(DATA_DIR, SEED_LETTER), await loadLetter(DATA_DIR, "committee-hearing-defenders"));
  });

  /** A renderer with nothing cached: new template engines, a new font library (new caches). */
  const coldRenderer = (): DocumentRenderer => {
    const fonts = loadFontLibrary();
    return { ...warm, templates: new TemplateLibrary(sets), caches: fonts.caches, webFonts: { fonts, subset: warm.webFonts!.subset } };
  };

  it("every recipient's page of a warm merge has the bytes of a cold render, in every language of every letter", async () => {
    let compared = 0;
    let styledWarm = 0;
    const differing: string[] = [];
    const styling = webFonts.styleLetter as jest.MockedFunction<typeof webFonts.styleLetter>;
    for (const parsed of letters) {
      const recipients: (string | null)[] = [null, ...parsed.letter.facts.recipients.map((recipient) => recipient.id)];
      for (const locale of parsed.letter.translations.keys()) {
        const request = (recipientId: string | null) => ({ letterId: parsed.letter.facts.id, locale, format: "html" as const, recipientId });
        // Warm the merge: every recipient once, then compare the second round.
        for (const recipientId of recipients) await renderDocument(warm, parsed, request(recipientId));
        for (const recipientId of recipients) {
          const before = styling.mock.calls.length;
          const hot = (await renderDocument(warm, parsed, request(recipientId))).bytes;
          styledWarm += styling.mock.calls.length - before;
          const cold = (await renderDocument(coldRenderer(), parsed, request(recipientId))).bytes;
          compared++;
          if (!hot.equals(cold)) differing.push(`${parsed.letter.facts.id} ${locale} ${recipientId}`);
        }
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    // The warm round took the shape's way (no parse, no styling) for nearly every letter: the test compared that way with the full one.
    expect(styledWarm).toBeLessThan(compared / 10);
  }, 600_000);
});
