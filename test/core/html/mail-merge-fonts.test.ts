import * as fontkit from "fontkit";
import type { LocaleId } from "../../../functions/core/locales";
import type { FaceId } from "../../../functions/core/pdf/font-library";
import { fillLetter, type MailMerge, renderHtmlEdition } from "../../../functions/core/html/render-html";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadLetter } from "../../../functions/letters/load-letters";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";

/**
 * A mail merge's HTML pages share their embedded fonts: each face is subset once per language, to
 * the characters of every recipient's letter, not once per recipient (each WOFF2 encoding costs
 * tens to hundreds of milliseconds: they were three quarters of a batch of personalized letters).
 */

/** A renderer whose subset requests are counted by face and characters. */
async function countingRenderer(): Promise<{ renderer: DocumentRenderer; requested: Map<string, number> }> {
  const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  const requested = new Map<string, number>();
  const source = renderer.webFonts!;
  renderer.webFonts = {
    fonts: source.fonts,
    subset(face: FaceId, characters: string) {
      const key = `${face}\u0000${characters}`;
      requested.set(key, (requested.get(key) ?? 0) + 1);
      return source.subset(face, characters);
    },
  };
  return { renderer, requested };
}

/** The page's @font-face rules that embed a face, in order (not the empty ones that only claim a family's name). */
function fontFaces(html: string): string[] {
  return (html.match(/@font-face \{[^}]*\}/g) ?? []).filter((rule) => /base64,[A-Za-z0-9+/]/.test(rule));
}

/** The characters of every WOFF2 font the page embeds, read back with fontkit. */
function embeddedCharacters(html: string): Set<number> {
  const characters = new Set<number>();
  for (const [, base64] of html.matchAll(/url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\)/g)) {
    const font = fontkit.create(Buffer.from(base64 as string, "base64")) as fontkit.Font;
    for (const codePoint of font.characterSet) characters.add(codePoint);
  }
  return characters;
}

describe("a mail merge's HTML pages", () => {
  let parsed: ParsedLetter;
  beforeAll(async () => {
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
  });

  const request = (locale: LocaleId, recipientId: string | null) => ({ letterId: SEED_LETTER, locale, format: "html" as const, recipientId });

  it.each(["en", "ar", "zh", "th"] as LocaleId[])(
    "embed the same subsets for every recipient, made once per face (%s), holding every recipient's words",
    async (locale) => {
      const { renderer, requested } = await countingRenderer();
      const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
      const pages = new Map<string, string>();
      for (const recipientId of recipients) pages.set(recipientId, (await renderDocument(renderer, parsed, request(locale, recipientId))).bytes.toString("utf8"));

      const rules = [...pages.values()].map((page) => fontFaces(page).join("\n"));
      expect(rules[0]).toContain("@font-face");
      expect(new Set(rules).size).toBe(1);
      // One subset per face for the whole merge: as many distinct requests as the pages have faces.
      expect(requested.size).toBe(fontFaces(pages.get(recipients[0]!)!).length);

      // Every recipient's country and representative, in this language, is in the shared fonts.
      const embedded = embeddedCharacters(pages.get(recipients[0]!)!);
      const translation = parsed.letter.translations.get(locale)!;
      const missing = recipients.flatMap((id) => {
        const { country, representative } = translation.recipients[id] as { country: string; representative: string };
        return [...`${country}${representative}`.replace(/\s/g, "")].filter((char) => !embedded.has(char.codePointAt(0)!));
      });
      expect(missing).toEqual([]);
    },
    120_000,
  );

  it("are the same bytes whichever recipients were made before", async () => {
    const locale: LocaleId = "ko";
    const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
    const forward = (await countingRenderer()).renderer;
    const backward = (await countingRenderer()).renderer;
    const first = recipients[0]!;
    const last = recipients[recipients.length - 1]!;
    const pageOf = async (renderer: DocumentRenderer, recipientId: string | null) => (await renderDocument(renderer, parsed, request(locale, recipientId))).bytes;
    const forwardFirst = await pageOf(forward, first);
    const backwardLast = await pageOf(backward, last);
    expect((await pageOf(forward, last)).equals(backwardLast)).toBe(true);
    expect((await pageOf(backward, first)).equals(forwardFirst)).toBe(true);
  }, 120_000);

  it("embed a page's own characters that its merge's letters lack, beside the merge's", async () => {
    // The page's letter names its reader (the addressee, which the template prints) with letters no other letter of the merge has; the merge fills the letter as read.
    const { renderer } = await countingRenderer();
    const engine = renderer.templates.forLetter(parsed.letter);
    const reader = parsed.letter.facts.recipients[0]!.id;
    const en = parsed.letter.translations.get("en")!;
    const renamed = {
      ...parsed.letter,
      translations: new Map([
        ...parsed.letter.translations,
        ["en", { ...en, recipients: { ...en.recipients, [reader]: { country: "Poland", representative: "Žofia Ďurčová of Łódź" } } }],
      ]),
    } as typeof parsed.letter;
    const merge: MailMerge = { letter: parsed.letter, fill: (id) => fillLetter(engine, parsed.letter, "en", id), fillKind: "test" };
    const own = await renderHtmlEdition(engine, fillLetter(engine, renamed, "en", reader), "A4", renderer.webFonts!, merge);
    const embedded = embeddedCharacters(own);
    expect([..."ŁóźŽĎčá"].filter((char) => !embedded.has(char.codePointAt(0)!))).toEqual([]);
    // And a page of the merge as read has the merge's fonts, without those letters.
    const other = await renderHtmlEdition(engine, fillLetter(engine, parsed.letter, "en", reader), "A4", renderer.webFonts!, merge);
    expect(embeddedCharacters(other).has("Ł".codePointAt(0)!)).toBe(false);
    expect(fontFaces(other).length).toBeGreaterThan(0);
  }, 120_000);
});
