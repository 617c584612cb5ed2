import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDocument } from "../../functions/core/render-document";
import { checkCatalogs } from "../../functions/core/template/message-catalog";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { attribute, byTag, findAll, parseDocument, textContent } from "../support/html";
import { FIXTURES_DIR, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * The promise of issue 13: a language is two files. A copy of the templates and of a fixture letter
 * gets Brazilian Portuguese (a tag with a region subtag) by adding messages/pt-BR.json and
 * sample/pt-BR.json, and nothing else; both editions then render in it.
 */
describe("a language added by two files alone", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-new-language-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    cpSync(join(FIXTURES_DIR, "letters", "sample"), join(root, "data", "sample"), { recursive: true });
    cpSync(join(FIXTURES_DIR, "new-language", "pt-BR.messages.json"), join(root, "templates", SEED_TEMPLATE, "messages", "pt-BR.json"));
    cpSync(join(FIXTURES_DIR, "new-language", "pt-BR.letter.json"), join(root, "data", "sample", "pt-BR.json"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("has every key of the source catalog, with the same arguments", async () => {
    const set = await loadTemplateSet(join(root, "templates"), SEED_TEMPLATE);
    expect(Object.keys(set.catalogs)).toContain("pt-BR");
    expect(checkCatalogs(set.catalogs, "en")).toEqual([]);
  });

  it("renders the HTML edition in pt-BR, left to right, with Portuguese plurals and lists", async () => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), "sample");
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr", "pt-BR"]);
    const html = (await renderDocument(renderer, parsed, { letterId: "sample", locale: "pt-BR", format: "html", recipientId: null })).bytes.toString("utf8");
    const document = parseDocument(html);
    const [root_] = findAll(document, byTag("html"));
    expect(attribute(root_!, "lang")).toBe("pt-BR");
    expect(attribute(root_!, "dir")).toBe("ltr");
    const text = textContent(findAll(document, byTag("main"))[0]!).replace(/\s+/g, " ");
    expect(text).toContain("Uma carta de exemplo");
    expect(text).toContain("Assinada em conjunto por 2 organizações");
    expect(text).toContain("Membros do Conselho: França e Reino Unido");
  });

  it("renders the PDF edition in pt-BR, its page label from the new catalog", async () => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), "sample");
    const pdf = (await renderDocument(renderer, parsed, { letterId: "sample", locale: "pt-BR", format: "pdf", recipientId: null })).bytes;
    const file = join(root, "pt-BR.pdf");
    writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain("Uma carta de exemplo");
    expect(text).toContain("“a situação é grave.”");
    expect(text).toContain("Página 1 de 1");
    expect(execFileSync("pdfinfo", [file], { encoding: "utf8" })).toMatch(/Title:\s+Uma carta de exemplo/);
  });

  it("reports a language the data has but the templates lack, naming the missing catalog file", async () => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), "sample");
    await expect(renderDocument(renderer, parsed, { letterId: "sample", locale: "pt-BR", format: "html", recipientId: null })).rejects.toThrow(
      "no message catalog for this locale; a language needs templates/un-security-council/messages/pt-BR.json beside its data/<letter>/pt-BR.json",
    );
  });

  it("skips a catalog not named by a BCP 47 tag in canonical form, naming the file and the name meant (the template still loads)", async () => {
    const templates = join(root, "templates-bad");
    cpSync(join(root, "templates"), templates, { recursive: true });
    writeFileSync(join(templates, SEED_TEMPLATE, "messages", "pt_BR.json"), "{}");
    // As a letter folder's file is (fresh user 10): where it set the whole template aside, English included.
    const withPosixName = await loadTemplateSet(templates, SEED_TEMPLATE);
    expect(withPosixName.problems).toBeUndefined();
    expect(withPosixName.skippedFiles).toEqual([expect.stringContaining(`${templates}/un-security-council/messages/pt_BR.json: skipped: `)]);
    expect(withPosixName.skippedFiles?.[0]).toContain(`"pt_BR" is not in canonical form, expected pt-BR.json`);
    rmSync(join(templates, SEED_TEMPLATE, "messages", "pt_BR.json"));
    writeFileSync(join(templates, SEED_TEMPLATE, "messages", "zh-hant.json"), "{}");
    expect((await loadTemplateSet(templates, SEED_TEMPLATE)).skippedFiles).toEqual([
      expect.stringContaining(
        `${templates}/un-security-council/messages/zh-hant.json: skipped: unexpected file; expected <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant; "zh-hant" is not in canonical form, expected zh-Hant.json`,
      ),
    ]);
  });
});
