import { identicalCopiesWarning, recipientFieldsPrinted, unreadLocalesWarning } from "../../local/mail-merge-check";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { loadFixtureLetter, loadSeedLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * A mail merge whose template prints nothing of the recipient (issue 12 follow-up, item 3): found by
 * filling the template, so a field printed through a partial, `{{#with}}` or a message argument counts,
 * and a recipient used only in `{{#if}}` does not.
 */
describe("a mail merge that says nothing of its recipient", () => {
  const withAddressee = async (addressee: string) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    return new TemplateEngine({ ...set, partials: { ...set.partials, addressee } });
  };

  it("finds the fields the seed template prints (through its addressee partial), and warns of nothing", async () => {
    const engine = await withAddressee((await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE)).partials["addressee"] as string);
    const { letter } = await loadSeedLetter();
    expect(recipientFieldsPrinted(engine, letter)?.printed).toEqual(expect.arrayContaining(["recipient.representative", "recipient.representativeName"]));
    expect(identicalCopiesWarning(engine, letter)).toBeUndefined();
  });

  it("warns once, naming the template and every field it never prints, when the recipient only chooses a branch", async () => {
    // The recipient decides which words are printed, but none of its fields is: every copy is the same.
    const engine = await withAddressee(
      '{{#if recipient}}<address class="addressee">{{t "addressee.council"}}</address>{{else}}<address class="addressee">{{t "addressee.council"}}<br>{{t "addressee.members" members=recipientList}}</address>{{/if}}',
    );
    const { letter } = await loadSeedLetter();
    const warning = identicalCopiesWarning(engine, letter);
    expect(warning).toBe(
      `unsc-dprk-2015: --recipients makes ${letter.facts.recipients.length} copies that say nothing of their recipient: template "un-security-council" ` +
        "(templates/un-security-council/letter.hbs and its partials) never prints recipient.country, recipient.representative, recipient.representativeName; " +
        "print one of them (as un-security-council's partials/addressee.hbs does) or leave out --recipients",
    );
  });

  it("counts only the copies --locale lets the run make (a recipient's copy is in their own language)", async () => {
    const engine = await withAddressee('<address class="addressee">{{t "addressee.council"}}</address>');
    const { letter } = await loadSeedLetter();
    const byLocale = new Map<string, number>();
    for (const recipient of letter.facts.recipients) byLocale.set(recipient.locale, (byLocale.get(recipient.locale) ?? 0) + 1);
    const [locale, readers] = [...byLocale].sort(([, a], [, b]) => a - b)[0]!;
    // The seed letter's recipients read several languages, so one language's readers are fewer than all of them.
    expect(readers).toBeLessThan(letter.facts.recipients.length);
    expect(identicalCopiesWarning(engine, letter, "templates", [locale as never])).toContain(`--recipients makes ${readers} ${readers === 1 ? "copy" : "copies"} that say nothing`);
    expect(identicalCopiesWarning(engine, letter, "templates")).toContain(`makes ${letter.facts.recipients.length} copies`);
  });

  it.each([
    ["{{#with recipient}}<address>{{country}}</address>{{/with}}", "recipient.country"],
    ['<address>{{t "addressee.honorific" name=recipient.representative}}</address>', "recipient.representative"],
    ["{{#if recipient.representativeName}}<address>Dear colleague</address>{{/if}}", "recipient.representativeName"],
  ])("counts a field printed or tested however the template reaches it: %s", async (addressee, field) => {
    const engine = await withAddressee(addressee);
    const parsed = loadFixtureLetter("sample");
    expect(recipientFieldsPrinted(engine, parsed.letter)?.printed).toEqual([field]);
    expect(identicalCopiesWarning(engine, parsed.letter)).toBeUndefined();
  });

  it("says nothing of a letter without recipients", async () => {
    const engine = await withAddressee("<address></address>");
    const { letter } = await loadSeedLetter();
    const alone = { ...letter, facts: { ...letter.facts, recipients: [] } };
    expect(identicalCopiesWarning(engine, alone)).toBeUndefined();
  });
});

describe("a mail merge limited to languages no recipient reads", () => {
  it("says no copy is made when no recipient reads any asked language, and nothing when one does", async () => {
    const { letter } = await loadSeedLetter();
    expect(unreadLocalesWarning(letter, ["el", "ko"])).toBe("unsc-dprk-2015: --recipients makes no copy: no recipient reads el or ko (its recipients read ar, en, es, fr, ru, zh)");
    expect(unreadLocalesWarning(letter, ["fr", "ar"])).toBeUndefined();
    expect(unreadLocalesWarning(letter, undefined)).toBeUndefined();
  });

  it("names a letter without recipients as such, with or without --locale, and the letters with recipients when the run asked for all", async () => {
    const { letter } = await loadSeedLetter();
    const alone = { ...letter, facts: { ...letter.facts, recipients: [] } };
    const said = "unsc-dprk-2015: --recipients makes no copy: the letter has no recipients (its letter.json lists none)";
    expect(unreadLocalesWarning(alone, ["en"])).toBe(said);
    expect(unreadLocalesWarning(alone, undefined)).toBe(said);
    expect(unreadLocalesWarning(alone, undefined, ["water-appeal", "x"])).toBe(`${said}; the letters with recipients: water-appeal, x`);
    expect(unreadLocalesWarning(alone, undefined, [])).toBe(`${said}; no letter of the data has recipients`);
  });
});
