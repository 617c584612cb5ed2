import { planDocuments } from "../../functions/core/documents";
import { formatDataIssue, InvalidLetterDataError, LetterpressError } from "../../functions/core/errors";
import { templateOffersOf } from "../../functions/core/letter/letter-context";
import { renderDocument } from "../../functions/core/render-document";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";

/**
 * Languages the deployed letters page shows as waiting, not broken: a translation made from older source
 * text (STALE_TRANSLATION) or not written yet (UNKNOWN_LOCALE). They deploy; the render makes them once
 * their files are brought up to date, as on any data change.
 */
const WAITING_CODES: ReadonlySet<string> = new Set(["STALE_TRANSLATION", "UNKNOWN_LOCALE"]);

/** An error's lines as `generate` prints them: a data issue a line, or its message's lines. */
const linesOf = (error: LetterpressError) => (error instanceof InvalidLetterDataError ? error.issues.map(formatDataIssue) : error.message.split("\n"));

/**
 * What `npm run synth` checks before it deploys the letter data (the data/ BucketDeployment) with the
 * templates it bundles: the templates folder as the render function loads it (a broken template is
 * refused whole), then each letter read against those templates and the shipped fonts and made as
 * `generate --format html` makes it, general letters and recipients' copies, so what the render
 * would refuse after deployment (a language without the template's catalog, a signatory without a
 * signature image, a glyph no font draws) fails the synth instead, in generate's words.
 *
 * @param dataDir the folder deployed under `data/`
 * @param templatesDir the templates bundled with the render function
 * @returns every problem, one line each (a heading line, then its problems indented); empty when all deploys
 */
export async function deployedLetterDataProblems(dataDir: string, templatesDir: string): Promise<string[]> {
  let renderer: Awaited<ReturnType<typeof createRenderer>>;
  try {
    renderer = await createRenderer({ templatesDir, paper: "A4", brokenTemplates: "refuse" });
  } catch (error) {
    if (!(error instanceof LetterpressError)) throw error;
    return [`templates: ${error.code}`, ...linesOf(error).map((line) => `  ${line}`)];
  }
  const context = { templates: templateOffersOf(renderer.templates), coverage: renderer.coverage };
  const letters = new DirectoryLetterSource(dataDir);
  const problems: string[] = [];
  for (const letterId of (await letters.listLetters()).letterIds) {
    let parsed: Awaited<ReturnType<typeof letters.loadLetter>>;
    try {
      parsed = await letters.loadLetter(letterId, context);
    } catch (error) {
      if (!(error instanceof LetterpressError)) throw error;
      problems.push(`letter ${letterId}: ${error.code}`, ...linesOf(error).map((line) => `  ${line}`));
      continue;
    }
    const documents = [false, true].flatMap((personalized) => planDocuments(parsed.letter, parsed.localeErrors, { formats: ["html"], personalized }));
    // One problem is said once, with every document it fails: a missing image fails each language alike.
    const failing = new Map<string, { error: LetterpressError; documents: string[] }>();
    for (const request of documents) {
      try {
        await renderDocument(renderer, parsed, request);
      } catch (error) {
        if (!(error instanceof LetterpressError)) throw error;
        if (WAITING_CODES.has(error.code)) continue;
        // The same problem in each language: its message differs only by "locale <tag>" (template errors: "(letter.hbs, locale en)").
        const key = `${error.code}: ${error.message.replace(/(\(|, )locale [^)]+\)/g, ")")}`;
        const which = request.recipientId ? `${request.locale} copy for ${request.recipientId}` : request.locale;
        const entry = failing.get(key) ?? { error, documents: [] };
        if (!entry.documents.includes(which)) entry.documents.push(which);
        failing.set(key, entry);
      }
    }
    for (const { error, documents: which } of failing.values())
      problems.push(`letter ${letterId} (${which.join(", ")}): ${error.code}`, ...linesOf(error).map((line) => `  ${line}`));
  }
  return problems;
}
