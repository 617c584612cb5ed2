import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR, REPO } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

const LETTER = "committee-hearing-defenders";
const LANGUAGES = "(languages of this letter: de, en, fr)";

/**
 * Issue 15 item 2: a language written in another form than the letter's tag (`EN`, `fr_fr`, `de-at`),
 * or one the letter lacks, is answered 404 with the tag suggested and the letter's languages listed,
 * as `generate --locale` says it; the same words from the download route and the share route (the
 * deployed handlers, which `serve` runs), over HTTP. Nothing is echoed that is no language tag, and
 * no server path is shown.
 */
describe("`serve` answering a language the letter has in another form, or lacks", () => {
  let dataDir: string;
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-locale-404-"));
    cpSync(join(DATA_DIR, LETTER), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir });
    running = await stack.listen();
    // Published as serve publishes it at start: every language, through the render queues.
    const { failures } = await stack.runtime.letterChanged(LETTER);
    expect(failures).toEqual([]);
  });
  afterAll(async () => {
    await running?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const download = async (locale: string, init: RequestInit = {}) => {
    const reply = await fetch(`${running.baseUrl}/letters/${LETTER}/${locale}/pdf`, { redirect: "manual", ...init });
    return { status: reply.status, text: await reply.text() };
  };
  const share = async (locale: string) => {
    const reply = await fetch(`${running.baseUrl}/letters/${LETTER}/${locale}/pdf/shares`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return { status: reply.status, text: await reply.text() };
  };
  const messageOf = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;

  it.each([
    ["EN", `locale "EN": this letter's tag is "en" (BCP 47, as its translation file en.json is named); did you mean "en"? ${LANGUAGES}`],
    ["Fr", `locale "Fr": this letter's tag is "fr" (BCP 47, as its translation file fr.json is named); did you mean "fr"? ${LANGUAGES}`],
    ["fr_fr", `locale "fr_fr": this letter has no fr-FR translation; did you mean "fr"? ${LANGUAGES}`],
    ["de-at", `locale "de-at": this letter has no de-AT translation; did you mean "de"? ${LANGUAGES}`],
    ["ZH_hant", `locale "ZH_hant": this letter has no zh-Hant translation ${LANGUAGES}`],
    // Written as a tag, but a language the letter lacks: the render function says it, in the same words.
    ["en-GB", `locale "en-GB": this letter has no en-GB translation; did you mean "en"? ${LANGUAGES}`],
    ["ja", `locale "ja": this letter has no Japanese (ja) translation ${LANGUAGES}`],
  ])("answers /%s/ with 404, the tag suggested and the letter's languages, from the download and share routes alike", async (locale, message) => {
    const fromDownload = await download(locale);
    expect(fromDownload.status).toBe(404);
    expect(messageOf(fromDownload.text)).toEqual({ code: "UNKNOWN_LOCALE", message });
    const fromShare = await share(locale);
    expect(fromShare.status).toBe(404);
    expect(messageOf(fromShare.text)).toEqual({ code: "UNKNOWN_LOCALE", message });
    for (const text of [fromDownload.text, fromShare.text]) {
      expect(text).not.toContain(dataDir);
      expect(text).not.toContain(REPO);
    }
  });

  it("answers HEAD of a language written otherwise with the same 404 and no body", async () => {
    const reply = await download("EN", { method: "HEAD" });
    expect(reply.status).toBe(404);
    expect(reply.text).toBe("");
  });

  it.each(["%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%22%7D%2C%22x%22%3A%22", "en%20GB", "ｅｎ", "a".repeat(40)])(
    "answers %s, which is no language tag, with a 400 that does not echo it",
    async (locale) => {
      for (const reply of [await download(locale), await share(locale)]) {
        expect(reply.status).toBe(400);
        const error = messageOf(reply.text);
        expect(error).toEqual({ code: "INVALID_REQUEST", message: "path locale: expected a language code such as fr or pt-BR" });
      }
    },
  );

  it("still serves the letter's own tags", async () => {
    for (const locale of ["de", "en", "fr"]) expect((await download(locale)).status).toBe(302);
  });
});
