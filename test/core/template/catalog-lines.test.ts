import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadPageCatalogs, loadTemplateSet, PAGE_MESSAGES_FOLDER } from "../../../functions/templates/load-template-set";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * A template's catalog problems read like its stylesheet's (fresh user 7, item 11): each names the
 * file's line and column of the key at fault; a catalog with an error of its own (a value that is no
 * string) still has its other problems said, and still counts in the other files' "lacks it"; a file
 * that does not parse says its line and column, and is said to be left out of that count; arguments
 * are said in words ("takes no arguments"), never "expected the arguments none".
 */
const TEMPLATE = "parliamentary-committee";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-catalines-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const catalogFile = (locale: string) => join(dir, TEMPLATE, "messages", `${locale}.json`);
/** Rewrites one catalog, a key a line (as the shipped ones are written), and returns each key's line. */
function writeCatalog(locale: string, edit: (messages: Record<string, unknown>) => void): Record<string, number> {
  const messages = JSON.parse(readFileSync(catalogFile(locale), "utf8")) as Record<string, unknown>;
  edit(messages);
  writeFileSync(catalogFile(locale), `${JSON.stringify(messages, null, 2)}\n`);
  return Object.fromEntries(Object.keys(messages).map((key, index) => [key, index + 2]));
}

async function problems(): Promise<string[]> {
  const set = await loadTemplateSet(dir, TEMPLATE);
  try {
    new TemplateEngine(set);
  } catch (error) {
    return (error as Error).message.split("\n").map((line) => line.replace(`${set.folder}/messages/`, ""));
  }
  return [];
}

describe("catalog problems name their line", () => {
  it("a file with a value that is no string has its other problems said, each at its line, and counts among those holding a key", async () => {
    const fr = writeCatalog("fr", (messages) => {
      messages["signatories.heading"] = 3;
      delete messages["sources.heading"];
      messages["footer.page"] = "Page {page} sur {pages";
      messages["letter.extra"] = "en plus";
    });
    const de = writeCatalog("de", (messages) => {
      messages["letter.extra"] = "extra";
    });
    expect(await problems()).toEqual(
      expect.arrayContaining([
        `fr.json line ${fr["signatories.heading"]}, column 3: signatories.heading: expected an ICU message string, got 3`,
        "fr.json: sources.heading: missing; partials/sources.hbs line 4, column 26 prints it",
        expect.stringMatching(new RegExp(`^fr\\.json line ${fr["footer.page"]}, column 3: footer\\.page: malformed ICU message \\(.*at column \\d+ of the message`)),
        `fr.json line ${fr["letter.extra"]}, column 3: letter.extra: unexpected key; no source of the template prints it and messages/en.json lacks it: remove it (or print it, and add it to every catalog)`,
        `de.json line ${de["letter.extra"]}, column 3: letter.extra: unexpected key; no source of the template prints it and messages/en.json lacks it: remove it (or print it, and add it to every catalog)`,
      ]),
    );
    // The key whose value is no string is not also called missing.
    expect((await problems()).filter((line) => line.includes("signatories.heading"))).toHaveLength(1);
  });

  it("a file that does not parse says its line and column, and the other files' 'lacks it' say it is not counted", async () => {
    const text = readFileSync(catalogFile("fr"), "utf8").split("\n");
    text[2] = text[2]!.replace(/,$/, ""); // the comma after the second message dropped
    writeFileSync(catalogFile("fr"), text.join("\n"));
    const de = writeCatalog("de", (messages) => {
      messages["letter.extra"] = "extra";
    });
    expect(await problems()).toEqual([
      "fr.json: malformed JSON at line 4, column 3: Expected ',' or '}' after property value",
      `de.json line ${de["letter.extra"]}, column 3: letter.extra: unexpected key; no source of the template prints it and messages/en.json lacks it (messages/fr.json, which cannot be read, is not counted): remove it (or print it, and add it to every catalog)`,
    ]);
  });
});

describe("arguments in words", () => {
  it("a message with an argument where the template passes none takes no arguments", async () => {
    const de = writeCatalog("de", (messages) => {
      messages["sources.heading"] = "Quellen für {name}";
    });
    expect(await problems()).toEqual([
      `de.json line ${de["sources.heading"]}, column 3: sources.heading: takes no arguments, since partials/sources.hbs passes none, but uses {name}`,
    ]);
  });

  it("a message that uses none of the arguments passed says so", async () => {
    const en = writeCatalog("en", (messages) => {
      messages["footer.page"] = "Page";
    });
    expect(await problems()).toEqual([
      `en.json line ${en["footer.page"]}, column 3: footer.page: uses no arguments, but the page label (--page-label) passes {page}, {pages}: the message should use them`,
    ]);
  });
});

describe("the share pages' catalogs", () => {
  it("name the line of a message's problem too", async () => {
    const de = join(dir, PAGE_MESSAGES_FOLDER, "de.json");
    const messages = JSON.parse(readFileSync(join(dir, PAGE_MESSAGES_FOLDER, "en.json"), "utf8")) as Record<string, string>;
    messages["share.expired.title"] = "Abgelaufen am {day";
    writeFileSync(de, `${JSON.stringify(messages, null, 2)}\n`);
    const line = Object.keys(messages).indexOf("share.expired.title") + 2;
    // Named under the templates folder it was read from (here a temporary one), as every other template file is.
    await expect(loadPageCatalogs(dir)).rejects.toThrow(`${de} line ${line}, column 3: share.expired.title: malformed ICU message`);
  });
});
