import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDocument } from "../../../functions/core/render-document";
import { MessageFormatter } from "../../../functions/core/template/message-catalog";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { normalizeCopy, toFile, wordBoxes } from "../pdf/pdf-inspect";
import { browserAvailable, launchChromium, openOfflinePage } from "../../support/browser";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";

/**
 * A value formatted into a right-to-left message (a date, a number, a Latin name) is a bidi isolate
 * (U+2068 FSI ... U+2069 PDI), so it reads in order in both editions (fresh user, s11 item 5):
 * `az-Arab` has no CLDR data, its date is formatted in Latin script ("2 mart 2026"), and the
 * right-to-left line showed "mart 2026 2".
 */
const isolated = (value: string) => `\u2068${value}\u2069`;
const DATE = new Date(Date.UTC(2026, 2, 2));

describe("values formatted into a right-to-left message", () => {
  it("isolates each value of a right-to-left language's message that is not right-to-left text, in every branch, and nothing of a left-to-right one", () => {
    const catalog = {
      date: "{date, date, long}",
      signed: "توقيع {name}",
      count: "{n, plural, one {منظمة واحدة} other {# منظمات من {country}}}",
      kind: "{kind, select, ngo {منظمة {name}} other {{name}}}",
      amount: "المبلغ {sum, number}",
    };
    const azArab = new MessageFormatter("az-Arab", catalog);
    expect(azArab.format("date", { date: DATE.getTime() })).toBe(isolated(new Intl.DateTimeFormat("az-Arab", { dateStyle: "long", timeZone: "UTC" }).format(DATE)));
    expect(azArab.format("date", { date: DATE.getTime() })).toMatch(/2026/);
    const ar = new MessageFormatter("ar", catalog);
    expect(ar.format("signed", { name: "Human Rights Watch 2" })).toBe(`توقيع ${isolated("Human Rights Watch 2")}`);
    // Digits alone read in order anywhere: no isolate; a sign or a separator is isolated with them.
    expect(ar.format("count", { n: 9, country: "UK" })).toBe(`${new Intl.NumberFormat("ar").format(9)} منظمات من ${isolated("UK")}`);
    expect(ar.format("count", { n: 1250, country: "UK" })).toBe(`${isolated(new Intl.NumberFormat("ar").format(1250))} منظمات من ${isolated("UK")}`);
    expect(ar.format("kind", { kind: "ngo", name: "HRW" })).toBe(`منظمة ${isolated("HRW")}`);
    expect(new MessageFormatter("he", catalog).format("amount", { sum: -1250.5 })).toBe(`المبلغ ${isolated(new Intl.NumberFormat("he").format(-1250.5))}`);
    expect(new MessageFormatter("fa", catalog).format("signed", { name: "Amnesty" })).toBe(`توقيع ${isolated("Amnesty")}`);
    // Right-to-left text is left as it was: an Arabic name, an Arabic list, a date in the Persian calendar.
    expect(ar.format("signed", { name: "منظمة العفو الدولية 2" })).toBe("توقيع منظمة العفو الدولية 2");
    expect(ar.format("kind", { kind: "other", name: "الصين وفرنسا" })).toBe("الصين وفرنسا");
    expect(new MessageFormatter("fa", catalog).format("date", { date: DATE.getTime() })).toBe(new Intl.DateTimeFormat("fa", { dateStyle: "long", timeZone: "UTC" }).format(DATE));
    // A left-to-right language's messages are as before, Arabic names in them included.
    const en = new MessageFormatter("en", { signed: "Signature of {name}", date: "{date, date, long}" });
    expect(en.format("signed", { name: "منظمة العفو" })).toBe("Signature of منظمة العفو");
    expect(en.format("date", { date: DATE.getTime() })).toBe("March 2, 2026");
  });
});

describe("a right-to-left letter's date in Latin script (az-Arab), in both editions", () => {
  let root: string;
  let html: string;
  let pdf: Buffer;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-rtl-date-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    const messages = join(root, "templates", "un-security-council", "messages");
    writeFileSync(join(messages, "az-Arab.json"), readFileSync(join(messages, "fa.json")));
    const letter = join(root, "data", SEED_LETTER);
    cpSync(join(DATA_DIR, SEED_LETTER), letter, { recursive: true });
    const facts = JSON.parse(readFileSync(join(letter, "letter.json"), "utf8"));
    writeFileSync(join(letter, "letter.json"), JSON.stringify({ ...facts, date: "2026-03-02" }));
    writeFileSync(join(letter, "az-Arab.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(letter, "fa.json"), "utf8")), locale: "az-Arab" }));
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), SEED_LETTER);
    const request = { letterId: SEED_LETTER, locale: "az-Arab", recipientId: null } as const;
    html = (await renderDocument(renderer, parsed, { ...request, format: "html" })).bytes.toString("utf8");
    pdf = (await renderDocument(renderer, parsed, { ...request, format: "pdf" })).bytes;
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("prints the date as an isolate in the filled letter both editions come from", () => {
    expect(html).toContain(`<time datetime="2026-03-02">${isolated("2 mart 2026")}</time>`);
  });

  it("draws the date's words in order, left to right, in the PDF", () => {
    const words = wordBoxes(toFile(pdf)).filter((word) => word.page === 1);
    const months = words.filter((word) => normalizeCopy(word.text) === "mart");
    expect(months).toHaveLength(1);
    const month = months[0]!;
    // The day and the year on the month's line (the footer's page label holds a "2" too).
    const onLine = (text: string) => words.filter((word) => normalizeCopy(word.text) === text && Math.abs(word.yMin - month.yMin) < 1);
    expect([onLine("2").length, onLine("2026").length]).toEqual([1, 1]);
    const [day, year] = [onLine("2")[0]!, onLine("2026")[0]!];
    // Each word wholly left of the next (poppler rounds a box's edges, so by their middles).
    const middle = (word: { xMin: number; xMax: number }) => (word.xMin + word.xMax) / 2;
    expect(day.xMax).toBeLessThan(middle(month));
    expect(middle(month)).toBeLessThan(year.xMin);
  });

  (browserAvailable() ? it : it.skip)(
    "shows the date's words in order, left to right, in Chromium",
    async () => {
      const { browser, close } = await launchChromium();
      try {
        const { page, context } = await openOfflinePage(browser);
        await page.setContent(html, { waitUntil: "load" });
        const lefts = await page.evaluate(() => {
          const time = document.querySelector("time");
          const text = time?.firstChild;
          if (!text || text.nodeType !== Node.TEXT_NODE) return [];
          const value = text.textContent ?? "";
          return ["2 ", "mart", "2026"].map((word) => {
            const range = document.createRange();
            const start = word === "2 " ? value.indexOf("2") : value.indexOf(word);
            range.setStart(text, start);
            range.setEnd(text, start + word.trim().length);
            return range.getBoundingClientRect().left;
          });
        });
        await context.close();
        expect(lefts).toHaveLength(3);
        expect(lefts[0]!).toBeLessThan(lefts[1]!);
        expect(lefts[1]!).toBeLessThan(lefts[2]!);
      } finally {
        await close();
      }
    },
    60_000,
  );
});
