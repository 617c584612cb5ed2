import { execFile, execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR, REPO, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(300_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(localDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: "1", LETTERPRESS_LOCAL_DIR: localDir };
    execFile(TSX, [join(REPO, "local/cli.ts"), "generate", ...args], { cwd: REPO, env }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The words each language's files are written in: its own script in the title, a paragraph, a name. */
const LANGUAGES = [
  {
    tag: "ta",
    face: "NotoSansTamil",
    family: "Noto Sans Tamil",
    title: "ஒரு மாதிரிக் கடிதம்",
    request: "நீங்கள் நடவடிக்கை எடுக்க வேண்டும் என்று நாங்கள் கேட்டுக்கொள்கிறோம்.",
    ngo: "முதல் அரசு சாரா அமைப்பு",
  },
  {
    tag: "km",
    face: "NotoSansKhmer",
    family: "Noto Sans Khmer",
    title: "លិខិតគំរូមួយ",
    request: "យើងស្នើសុំឱ្យលោកអ្នកចាត់វិធានការ។",
    ngo: "អង្គការមិនមែនរដ្ឋាភិបាលទីមួយ",
  },
] as const;

/**
 * Issue 13 item 3, the fresh user's case: a Tamil or Khmer language is added to a scratch copy of the
 * data and templates by its two files alone (the template's catalog, the letter's translation), and
 * `generate` makes both editions, the PDF set in the script's own Noto face, the HTML page embedding
 * it. Before these scripts had a family of the font registry, validation refused the language.
 */
describe("a Tamil and a Khmer language added by two files", () => {
  let root: string;
  let out: string;
  let run: Awaited<ReturnType<typeof generate>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-script-languages-"));
    const data = join(root, "data");
    const templates = join(root, "templates");
    out = join(root, "out");
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(data, "sample"), { recursive: true });
    const catalog = readFileSync(join(templates, SEED_TEMPLATE, "messages/en.json"), "utf8");
    const french = JSON.parse(readFileSync(join(data, "sample/fr.json"), "utf8"));
    for (const { tag, title, request, ngo } of LANGUAGES) {
      // Khmer's CLDR plural categories are `other` alone: a `one` branch becomes the exact =1.
      writeFileSync(join(templates, SEED_TEMPLATE, `messages/${tag}.json`), tag === "km" ? catalog.replaceAll(" one {", " =1 {") : catalog);
      const translation = structuredClone(french);
      translation.locale = tag;
      translation.title = title;
      translation.paragraphs[1].content[0].text = request;
      translation.signatories["first-ngo"].name = ngo;
      writeFileSync(join(data, `sample/${tag}.json`), JSON.stringify(translation, null, 2));
    }
    run = await generate(join(root, "local"), ["--data", data, "--templates", templates, "--out", out, "--locale", "ta,km"]);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("generates both editions of both languages with no failure", () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(/^4 documents \(4 stored, 0 unchanged\) exported to .*, 0 failed$/);
  });

  it.each(LANGUAGES)("sets the $tag PDF in $face, its words copied back whole", ({ tag, face, title, request, ngo }) => {
    const pdf = join(out, `sample/${tag}/sample-${tag}.pdf`);
    expect(execFileSync("pdffonts", [pdf], { encoding: "utf8" })).toContain(`${face}-Regular`);
    const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).normalize("NFC");
    for (const words of [title, request, ngo]) expect({ words, copied: text.includes(words.normalize("NFC")) }).toEqual({ words, copied: true });
  });

  it.each(LANGUAGES)("embeds $family in the $tag HTML page, with its words", ({ tag, family, title, request }) => {
    const html = readFileSync(join(out, `sample/${tag}/sample-${tag}.html`), "utf8");
    expect(html).toMatch(new RegExp(`@font-face \\{[^}]*font-family: "${family}"[^}]*src: url\\(data:font/woff2;base64,[A-Za-z0-9+/]{100}`));
    expect(html).toContain(title);
    expect(html).toContain(request);
  });
});
