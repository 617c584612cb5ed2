import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidLetterDataError, type LetterpressError } from "../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { createRenderer } from "../../functions/render/create-renderer";
import { mayPassOnRetry } from "../../functions/render/render-handler";
import { FIXTURES_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A character no shipped face draws that reaches the typesetter (text validation did not see: here a
 * letter read without the fonts, as a reader's words in a mail merge could) is a permanent document
 * error naming the field, never a RENDER_ERROR sent back for retries (issue 13 item 3).
 */
const SAMPLE = join(FIXTURES_DIR, "letters/sample");
type Json = Record<string, any>;

let renderer: DocumentRenderer;
beforeAll(async () => {
  renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
});

function sampleWith(change: (files: Record<string, Json>) => void): LetterFile[] {
  const files = Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
  change(files);
  return Object.entries(files).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the render to fail");
}

describe("a glyph no font has, met while typesetting", () => {
  it("fails a reader's letter as a data error naming the field that holds the character, which no retry repeats", async () => {
    // Read without the fonts (no coverage in the context): only the typesetter meets the hieroglyph.
    const parsed = parseLetter(
      "sample",
      sampleWith((files) => {
        files["letter.json"]!.recipients[1].representativeName = "Jane 𓀀 Example";
      }),
    );
    const error = await failureOf(renderDocument(renderer, parsed, { letterId: "sample", locale: "en", format: "pdf", recipientId: "gb" }));
    expect(error).toBeInstanceOf(InvalidLetterDataError);
    expect((error as InvalidLetterDataError).code).toBe("INVALID_DATA");
    expect(mayPassOnRetry((error as InvalidLetterDataError).code)).toBe(false);
    expect((error as InvalidLetterDataError).issues).toEqual([
      {
        file: "sample/letter.json",
        path: "recipients[1].representativeName",
        message: expect.stringMatching(
          /^no shipped font has a glyph for U\+13000 EGYPTIAN HIEROGLYPH A001 "𓀀" \(met while the document was made, in "….*Jane 𓀀 Example.*…"\); expected text/,
        ),
      },
    ]);
  });

  it("names every field of the language's files that holds it", async () => {
    const parsed = parseLetter(
      "sample",
      sampleWith((files) => {
        files["en.json"]!.title = "A title with 𐌰 Gothic";
        files["en.json"]!.sender = "𐌰";
      }),
    );
    const error = (await failureOf(renderDocument(renderer, parsed, { letterId: "sample", locale: "en", format: "pdf", recipientId: null }))) as InvalidLetterDataError;
    expect(error.issues.map((issue) => `${issue.file}: ${issue.path}`)).toEqual(["sample/en.json: title", "sample/en.json: sender"]);
    expect(error.issues[0]?.message).toContain('U+10330 GOTHIC LETTER AHSA "𐌰"');
  });

  it("calls a character in no field the template's, permanent too", async () => {
    // A template whose catalog has a word no font draws, its renderer made without validating letters against it.
    const dir = mkdtempSync(join(tmpdir(), "letterpress-uncovered-"));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      const file = join(dir, "un-security-council/messages/en.json");
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), "signatories.heading": "Signatories 𓀀" }));
      const own = await createRenderer({ templatesDir: dir, paper: "A4" });
      const parsed = parseLetter(
        "sample",
        sampleWith(() => {}),
      );
      const error = (await failureOf(renderDocument(own, parsed, { letterId: "sample", locale: "en", format: "pdf", recipientId: null }))) as LetterpressError;
      expect(error.code).toBe("TEMPLATE_ERROR");
      expect(mayPassOnRetry(error.code)).toBe(false);
      expect(error.message).toContain(
        `${dir}/un-security-council/messages/en.json: no shipped font has a glyph for U+13000 EGYPTIAN HIEROGLYPH A001 "𓀀", which the template prints for letter "sample" in en`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
