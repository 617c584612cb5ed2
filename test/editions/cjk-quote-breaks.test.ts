import type { LocaleId } from "../../functions/core/locales";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { paragraphsAtWidths } from "../support/edition-comparison";

/**
 * Closing and opening punctuation in sequence at Chinese line ends, Chromium's print against our PDF.
 * UAX 14 since Unicode 15.1 (LB19a, which ICU and so Chromium follow) lets a line break after a
 * closing quote between East Asian characters, fullwidth punctuation included: "群体。”|特别". The
 * PDF read East Asian as Han and kana letters only and glued "体。”特" into one word, which did not
 * fit where Chromium ended the line (the Chinese letter on B5 with a 10.2pt body: 0.907 of line
 * starts). Each paragraph below is set at several widths so that each sequence ("。”", "。」", "！”",
 * "？』", "，“", "：“", "”，") comes to a line's end somewhere. Measured 2026-11-30: 0.802 of line
 * starts before, in both alignments; 1.00 since, which also needed "』" set half-width at a line's
 * end when only so it fits, as Chromium sets closing brackets (paragraph.ts, closingMarkTrimmedAtLineEnd).
 */

const PARAGRAPHS = [
  "委员会认为，“严重侵权行为仍在大规模发生，尤其影响到最弱势群体。”特别报告员还呼吁国际社会“加大努力保护”朝鲜民众。",
  "他在报告中写道：“我们必须立即行动！”各国代表随后表示赞同，并指出「这绝非巧合。」此后又问『谁能否认？』这一问题仍然存在。",
  "报告员问道：“为什么没有回应？”政府没有答复，“沉默”，正是答案。代表团说：“是的。”会议于是结束，记录在案。",
];
/** Widths in em of the body size: a sequence at a line's end in one is inside a line in the next. */
const WIDTHS = [9, 10.5, 11, 12.5, 13, 14.5, 15, 16.5, 17, 19.5, 21];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("Chinese punctuation in sequence at line ends: Chromium and our PDF break the same", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(["start", "justify"])("text-align: %s, every width", async (align) => {
    const figures = await paragraphsAtWidths(launched.browser, fonts, { locale: "zh" as LocaleId, paragraphs: PARAGRAPHS, widths: WIDTHS, align });
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect({ agreeing: figures.agreeing, pages: figures.pages.ours }).toEqual({ agreeing: 1, pages: figures.pages.chromium });
  });
});
