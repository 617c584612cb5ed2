import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DataIssue, InvalidLetterDataError, StaleTranslationError } from "../../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";
import { paragraphFingerprints, partFingerprints, recipientFingerprints, sourceFingerprint, translationOfSource } from "../../../functions/core/letter/source-fingerprint";
import { DATA_DIR, SEED_LETTER } from "../../support/letters";

/**
 * A translation is stale only for the part of the source it was translated from that changed (the
 * fresh user's finding: adding or removing a recipient made every language of the letter stale).
 * The parts: the letter's own text (translationOf.sourceSha256) and each recipient's words
 * (translationOf.recipients.<id>). Each case below failed on the code that fingerprinted the whole file.
 */
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

type Json = Record<string, any>;
type Letter = Record<string, Json>;

function sample(): Letter {
  return Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
}

/** The sample with fr.json recording its source's other parts too (translationOf.parts), as translationOfSource writes them. */
function recordingParts(): Letter {
  const letter = sample();
  letter["fr.json"]!.translationOf.parts = Object.fromEntries(partFingerprints(letter["en.json"]!));
  return letter;
}

function filesOf(letter: Letter): LetterFile[] {
  return Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const parse = (letter: Letter) => parseLetter("sample", filesOf(letter));
/** What fr.json's staleness says, alone (StaleTranslationError) or among its other problems (a paragraph's id no longer the source's). */
function staleReason(letter: Letter): string {
  const refused = parse(letter).localeErrors.get("fr" as never);
  if (refused instanceof StaleTranslationError) return refused.reason;
  const issue = (refused as InvalidLetterDataError).issues.find((each) => each.path === "translationOf.sourceSha256");
  expect(issue).toBeDefined();
  return issue!.message;
}

const issuesOf = (error: unknown) => ((error as { issues?: DataIssue[] }).issues ?? []).map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);

/** A second French-reading recipient, in letter.json and the source; `inFrench` adds its French words too. */
function withChad(letter: Letter, inFrench: { words: boolean; recorded: boolean }): Letter {
  letter["letter.json"]!.recipients.push({ id: "td", country: "TD", locale: "fr" });
  letter["en.json"]!.recipients.td = { country: "Chad", representative: "Permanent Representative of Chad to the United Nations" };
  if (inFrench.words) letter["fr.json"]!.recipients.td = { country: "Tchad", representative: "Représentant permanent du Tchad auprès de l’Organisation des Nations Unies" };
  if (inFrench.recorded) letter["fr.json"]!.translationOf.recipients.td = recipientFingerprints(letter["en.json"]!).get("td");
  return letter;
}

describe("the source's fingerprints, part by part", () => {
  it("leave the letter's own fingerprint unchanged when a recipient is added, removed or reworded", () => {
    const en = sample()["en.json"]!;
    const before = sourceFingerprint(en);
    expect(sourceFingerprint({ ...en, recipients: { ...en.recipients, td: { country: "Chad", representative: "R" } } })).toBe(before);
    expect(sourceFingerprint({ ...en, recipients: { fr: en.recipients.fr } })).toBe(before);
    expect(sourceFingerprint({ ...en, title: `${en.title}!` })).not.toBe(before);
  });

  it("change one recipient's fingerprint when its words change, and no other's", () => {
    const en = sample()["en.json"]!;
    const before = recipientFingerprints(en);
    const after = recipientFingerprints({ ...en, recipients: { ...en.recipients, fr: { ...en.recipients.fr, country: "The French Republic" } } });
    expect(after.get("fr")).not.toBe(before.get("fr"));
    expect(after.get("gb")).toBe(before.get("gb"));
    // A translation records the fingerprints of the recipients whose words it holds (translationOfSource is given their ids).
    const paragraphs = Object.fromEntries(paragraphFingerprints(en));
    expect(Object.keys(paragraphs)).toEqual(en.paragraphs.map((paragraph: Json) => paragraph.id));
    const parts = Object.fromEntries(partFingerprints(en));
    expect(translationOfSource(en, "en", ["fr"])).toEqual({ locale: "en", sourceSha256: sourceFingerprint(en), parts, paragraphs, recipients: { fr: before.get("fr") } });
    expect(translationOfSource(en, "en", [])).toEqual({ locale: "en", sourceSha256: sourceFingerprint(en), parts, paragraphs });
  });
});

describe("parseLetter: a translation is stale only for what changed in its source", () => {
  it("the sample as shipped: nothing stale, no recipient refused", () => {
    const parsed = parse(sample());
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
  });

  it("adding a recipient whose words and fingerprint the translation has: every document can be made", () => {
    const parsed = parse(withChad(sample(), { words: true, recorded: true }));
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
  });

  it("adding a recipient the translation lacks: the language stays usable, only that recipient is refused, naming the file, the recipient and what to add", () => {
    const letter = withChad(sample(), { words: false, recorded: false });
    const parsed = parse(letter);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.recipientErrors.keys()]).toEqual(["td"]);
    const refused = parsed.recipientErrors.get("td")!;
    expect(refused).toBeInstanceOf(InvalidLetterDataError);
    const fingerprint = recipientFingerprints(letter["en.json"]!).get("td");
    expect(issuesOf(refused)).toEqual([
      `sample/fr.json: recipients.td: missing; recipient "td" is to receive the letter in this language: expected its words translated from en.json's recipients.td ({"country": ..., "representative": ...}), and "td": "${fingerprint}" in translationOf.recipients`,
    ]);
  });

  it("adding a recipient's words without recording what they were translated from refuses that recipient only, with the fingerprint to record", () => {
    const letter = withChad(sample(), { words: true, recorded: false });
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    const fingerprint = recipientFingerprints(letter["en.json"]!).get("td");
    expect(issuesOf(parsed.recipientErrors.get("td"))).toEqual([
      `sample/fr.json: translationOf.recipients.td: missing; expected "td": "${fingerprint}" in translationOf.recipients (the fingerprint of en.json's recipients.td, which recipients.td was translated from)`,
    ]);
  });

  it("adding a recipient who reads another language: no recipient is refused; the letter to all recipients of the translation that lacks its words is", () => {
    const letter = sample();
    letter["letter.json"]!.recipients.push({ id: "us", country: "US", locale: "en" });
    letter["en.json"]!.recipients.us = { country: "United States", representative: "Permanent Representative of the United States" };
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
    expect(parsed.warnings).toEqual([]);
    expect([...parsed.generalLetterErrors.keys()]).toEqual(["fr"]);
    expect(issuesOf(parsed.generalLetterErrors.get("fr"))).toEqual([
      `sample/fr.json: recipients: missing the words of 1 of the letter's 3 recipients ("us"): the fr letter to all recipients lists every one, so it is not made until each one's words are added, translated from en.json's recipients.<id> ({"country": ..., "representative": ...}); each recipient's own fr copy is made where its words are there`,
    ]);
  });

  it("changing the source words of a recipient who reads another language refuses the translation's letter to all recipients, which prints them; its other documents are made", () => {
    const letter = sample();
    letter["en.json"]!.recipients.gb.representative += " ad interim";
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
    const recorded = letter["fr.json"]!.translationOf.recipients.gb as string;
    const current = recipientFingerprints(letter["en.json"]!).get("gb");
    expect(current).not.toBe(recorded);
    expect([...parsed.generalLetterErrors.keys()]).toEqual(["fr"]);
    expect(issuesOf(parsed.generalLetterErrors.get("fr"))).toEqual([
      `sample/fr.json: translationOf.recipients.gb: recipient "gb"'s words were translated from source revision ${recorded.slice(0, 12)}, but en.json's recipients.gb has changed since; update recipients.gb, then record "gb": "${current}" in translationOf.recipients; the fr letter to all recipients prints recipient "gb"'s words, so it is not made until then`,
    ]);
  });

  it("a translation holding a recipient's words with no fingerprint for them (one who reads another language) refuses its letter to all recipients, with the fingerprint to paste", () => {
    const letter = sample();
    delete letter["fr.json"]!.translationOf.recipients.gb;
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
    const current = recipientFingerprints(letter["en.json"]!).get("gb");
    expect(issuesOf(parsed.generalLetterErrors.get("fr"))).toEqual([
      `sample/fr.json: translationOf.recipients.gb: missing; expected "gb": "${current}" in translationOf.recipients (the fingerprint of en.json's recipients.gb, which recipients.gb was translated from): the fr letter to all recipients prints recipient "gb"'s words, so it is not made until then`,
    ]);
  });

  it("a reader of the translation's own language with no fingerprint refuses both its own copy and the letter to all recipients, which prints its words too", () => {
    const letter = sample();
    delete letter["fr.json"]!.translationOf.recipients.fr;
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.recipientErrors.keys()]).toEqual(["fr"]);
    const current = recipientFingerprints(letter["en.json"]!).get("fr");
    expect(issuesOf(parsed.generalLetterErrors.get("fr"))).toEqual([
      `sample/fr.json: translationOf.recipients.fr: missing; expected "fr": "${current}" in translationOf.recipients (the fingerprint of en.json's recipients.fr, which recipients.fr was translated from): the fr letter to all recipients prints recipient "fr"'s words, so it is not made until then`,
    ]);
  });

  it("removing a recipient (from letter.json, the source and the translation) stales nothing", () => {
    const letter = sample();
    letter["letter.json"]!.recipients = letter["letter.json"]!.recipients.filter((recipient: Json) => recipient.id !== "gb");
    delete letter["en.json"]!.recipients.gb;
    delete letter["fr.json"]!.recipients.gb;
    const parsed = parse(letter);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
  });

  it("changing one recipient's source words stales that recipient's documents, not the language's others", () => {
    const letter = sample();
    letter["en.json"]!.recipients.fr.representative = "Ambassador and Permanent Representative of France";
    const parsed = parse(letter);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    const stale = parsed.recipientErrors.get("fr");
    expect(stale).toBeInstanceOf(StaleTranslationError);
    expect(stale?.code).toBe("STALE_TRANSLATION");
    const recorded = letter["fr.json"]!.translationOf.recipients.fr as string;
    const current = recipientFingerprints(letter["en.json"]!).get("fr");
    expect(stale?.message).toBe(
      `sample/fr.json: translationOf.recipients.fr: recipient "fr"'s words were translated from source revision ${recorded.slice(0, 12)}, but en.json's recipients.fr has changed since; update recipients.fr, then record "fr": "${current}" in translationOf.recipients`,
    );
    expect([...parsed.recipientErrors.keys()]).toEqual(["fr"]);
    // The language's letter to all recipients prints fr's words too: it is refused with the same reason.
    expect(issuesOf(parsed.generalLetterErrors.get("fr"))[0]).toContain((stale as StaleTranslationError).reason);
  });

  it("changing the letter's own text still stales the whole language", () => {
    const letter = sample();
    letter["en.json"]!.summary = "A shorter letter.";
    const parsed = parse(letter);
    expect([...parsed.letter.translations.keys()]).toEqual(["en"]);
    expect(parsed.localeErrors.get("fr" as never)?.code).toBe("STALE_TRANSLATION");
  });

  it("a malformed recipient fingerprint is the language's schema error, answered with the current one", () => {
    const letter = sample();
    letter["fr.json"]!.translationOf.recipients.fr = "abc";
    const parsed = parse(letter);
    const current = recipientFingerprints(letter["en.json"]!).get("fr");
    expect(issuesOf(parsed.localeErrors.get("fr" as never))).toEqual([
      `sample/fr.json: translationOf.recipients.fr: expected 16 lowercase hex digits (a recipient's fingerprint); the current fingerprint of en.json's recipients.fr is ${current}`,
    ]);
  });

  it("the source must still have every recipient's words: that is the letter's error", () => {
    const letter = sample();
    delete letter["en.json"]!.recipients.gb;
    expect(() => parse(letter)).toThrow('sample/en.json: recipients.gb: missing; expected the recipient "gb"');
  });
});

/**
 * A stale translation is told which paragraphs changed (fresh user 10, finding 4): one word of one
 * paragraph made every translation "made from source revision …, but the source text has changed since".
 * Said from translationOf.paragraphs, which the sample's fr.json records; a file without it is stale as before.
 */
describe("parseLetter: a stale translation names the source paragraphs that changed", () => {
  const currentOf = (letter: Letter, id: string) => paragraphFingerprints(letter["en.json"]!).get(id);

  it("one word of one paragraph: that paragraph, with its fingerprint to record", () => {
    const letter = recordingParts();
    letter["en.json"]!.paragraphs[1].content[0].text = "We ask you to act now.";
    const reason = staleReason(letter);
    expect(reason).toContain('but the source text has changed since (paragraph "request" changed); update the translation');
    expect(reason).toContain(`, and in translationOf.paragraphs: "request": "${currentOf(letter, "request")}"`);
    expect(reason).toContain(`"sourceSha256": "${sourceFingerprint(letter["en.json"]!)}"`);
  });

  it("a paragraph added and one removed are named as such", () => {
    const letter = recordingParts();
    const paragraphs = letter["en.json"]!.paragraphs;
    paragraphs[0] = { id: "welcome", content: [{ text: "Welcome." }] };
    const reason = staleReason(letter);
    expect(reason).toContain('(paragraph "welcome" added; paragraph "opening" removed)');
    expect(reason).toContain(`translationOf.paragraphs: "welcome": "${currentOf(letter, "welcome")}" (and remove "opening")`);
  });

  it("a change outside the paragraphs says no paragraph changed", () => {
    const letter = sample();
    letter["en.json"]!.summary = "A shorter letter.";
    expect(staleReason(letter)).toContain("(no paragraph changed: title, summary, sender, sources, or signatories did (this file records no fingerprints of them))");
  });

  it("a translation recording no paragraph fingerprints (older files) is still read, and stale as before", () => {
    const letter = sample();
    delete letter["fr.json"]!.translationOf.paragraphs;
    expect(parse(letter).localeErrors.size).toBe(0);
    letter["en.json"]!.paragraphs[1].content[0].text = "We ask you to act now.";
    expect(staleReason(letter)).toMatch(/but the source text has changed since; update the translation, then record "sourceSha256": "[0-9a-f]{64}"$/);
  });

  it("a malformed paragraph fingerprint is answered with the current one", () => {
    const letter = sample();
    letter["fr.json"]!.translationOf.paragraphs.request = "abc";
    expect(issuesOf(parse(letter).localeErrors.get("fr" as never))).toEqual([
      `sample/fr.json: translationOf.paragraphs.request: expected 16 lowercase hex digits (a paragraph's fingerprint); the current fingerprint of en.json's paragraph "request" is ${currentOf(letter, "request")}`,
    ]);
  });
});

describe("parseLetter: every stale part of every translation in one run", () => {
  it.each([
    [["request"], ["gb"]],
    [
      ["opening", "request"],
      ["fr", "gb"],
    ],
    [["opening"], ["fr"]],
  ])("paragraphs %j and recipients %j changed: the translation's one refusal names each (STALE_TRANSLATION)", (paragraphs, recipients) => {
    const letter = sample();
    const en = letter["en.json"]!;
    for (const paragraph of en.paragraphs) if (paragraphs.includes(paragraph.id)) paragraph.content.push({ text: " (amended)" });
    for (const id of recipients) en.recipients[id].representative = `${en.recipients[id].representative} ad interim`;

    const parsed = parse(letter);

    const refusal = parsed.localeErrors.get("fr");
    expect(refusal?.code).toBe("STALE_TRANSLATION");
    expect(refusal?.message).toContain("fr.json: translationOf.sourceSha256:");
    for (const id of paragraphs) expect(refusal?.message).toMatch(new RegExp(`paragraphs? [^)]*"${id}"`));
    for (const id of ["fr", "gb"]) {
      const named = refusal?.message.includes(`fr.json: translationOf.recipients.${id}:`);
      expect(named).toBe(recipients.includes(id));
    }
  });
});

/**
 * Every stale part named in one run (fresh user: a translation stale in its title, a signatory's name and
 * two paragraphs was told of the paragraphs only; with no paragraph changed, of kinds of part that may
 * have). Said from translationOf.parts beside translationOf.paragraphs; a file without parts is told
 * which kinds of part may also have changed, and the fingerprints to record.
 */
describe("parseLetter: a stale translation names every part of the source that changed", () => {
  const reworded = (letter: Letter): Letter => {
    const en = letter["en.json"]!;
    en.title = "A new title";
    en.signatories["second-ngo"].name = "Second NGO International";
    en.paragraphs[0].content[0].text = "Hello again.";
    en.paragraphs[1].content[0].text = "We ask you to act now.";
    return letter;
  };

  it("reads a translation recording its parts (still valid while the source is unchanged)", () => {
    expect(parse(recordingParts()).localeErrors.size).toBe(0);
  });

  it("the title, a signatory's name and two paragraphs: each named, with each fingerprint to record", () => {
    const letter = reworded(recordingParts());
    const reason = staleReason(letter);
    const parts = partFingerprints(letter["en.json"]!);
    const paragraphs = paragraphFingerprints(letter["en.json"]!);
    expect(reason).toContain('(paragraphs "opening", "request" changed; title, signatories.second-ngo changed)');
    expect(reason).toContain(`in translationOf.paragraphs: "opening": "${paragraphs.get("opening")}", "request": "${paragraphs.get("request")}"`);
    expect(reason).toContain(`in translationOf.parts: "title": "${parts.get("title")}", "signatories.second-ngo": "${parts.get("signatories.second-ngo")}"`);
    expect(reason).not.toContain("may also have changed");
  });

  it.each([
    ["summary", (en: Json) => (en.summary = "A shorter letter."), "summary changed"],
    ["a source added", (en: Json) => (en.sources.other = "Another report"), "sources.other added"],
    ["a signatory's abbreviation", (en: Json) => (en.signatories["second-ngo"].abbreviation = "SN"), "signatories.second-ngo changed"],
    ["a letter's word added", (en: Json) => (en.salutation = "Dear members,"), "salutation added"],
    ["the paragraphs' order", (en: Json) => en.paragraphs.reverse(), "the paragraphs' order changed"],
  ])("with no paragraph changed, names the part exactly: %s", (_what, change, said) => {
    const letter = recordingParts();
    change(letter["en.json"]!);
    const reason = staleReason(letter);
    expect(reason).toContain(`(${said})`);
  });

  it("a file recording paragraphs only names them, says which kinds of part may also have changed, and the parts to record", () => {
    const letter = reworded(sample());
    const reason = staleReason(letter);
    expect(reason).toContain(
      '(paragraphs "opening", "request" changed; title, summary, sender, sources, or signatories may also have changed (this file records no fingerprints of them))',
    );
    expect(reason).toContain(`"parts": {"title": "${partFingerprints(letter["en.json"]!).get("title")}", `);
  });

  it("a malformed part fingerprint is answered with the current one", () => {
    const letter = recordingParts();
    letter["fr.json"]!.translationOf.parts.title = "abc";
    expect(issuesOf(parse(letter).localeErrors.get("fr" as never))).toEqual([
      `sample/fr.json: translationOf.parts.title: expected 16 lowercase hex digits (a part's fingerprint); the current fingerprint of en.json's title is ${partFingerprints(letter["en.json"]!).get("title")}`,
    ]);
  });
});

/** The shipped letter's translations record their parts: the fresh user's case, on the data as shipped. */
describe("parseLetter on the shipped letter: its title, a signatory's name and two paragraphs changed", () => {
  it("names each in every translation, in one run", () => {
    const folder = join(DATA_DIR, SEED_LETTER);
    const files = Object.fromEntries(readdirSync(folder).map((name) => [name, JSON.parse(readFileSync(join(folder, name), "utf8")) as Json]));
    const en = files["en.json"]!;
    en.title = `${en.title} (revised)`;
    en.signatories.hrnk.name = "Committee for Human Rights in North Korea (HRNK)";
    en.paragraphs[0].content[0].text = `${en.paragraphs[0].content[0].text} Indeed.`;
    en.paragraphs[3].content[0].text = `${en.paragraphs[3].content[0].text} Again.`;
    const parsed = parseLetter(SEED_LETTER, filesOf(files));
    const translations = Object.keys(files).filter((name) => name !== "letter.json" && name !== "en.json");
    expect(translations.length).toBeGreaterThan(10);
    for (const name of translations) {
      const refused = parsed.localeErrors.get(name.replace(".json", "") as never);
      expect(refused).toBeInstanceOf(StaleTranslationError);
      expect((refused as StaleTranslationError).reason).toContain('(paragraphs "coi-findings", "formal-session" changed; title, signatories.hrnk changed)');
    }
  });
});
