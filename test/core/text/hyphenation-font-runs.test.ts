import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { loadHyphenation } from "../../../functions/hyphenation/load-hyphenation";
import type { LocaleId } from "../../../functions/core/locales";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { compareEditions } from "../../support/edition-comparison";
import { printFragmentBothWays } from "../../support/fragment-editions";

/**
 * Fresh user 11, item 3: with `hyphens: auto` under a stack whose first family is not the text's
 * ("Noto Sans", then the Tamil or Ethiopic face, as the committee template sets it), Chromium broke
 * lines at other soft hyphens than our PDF. Chromium sets a soft hyphen in the first font of the
 * stack (which hides it), so the word's run in its own face ends there and the kerning across it is
 * lost; the PDF kept the soft hyphen in the word's run and kerned across it, its words narrower.
 * Each paragraph is set at many widths; the line starts of the two editions must all agree.
 */

const TEXT: Partial<Record<LocaleId, string>> = {
  ta: "மனித உரிமைப் பாதுகாவலர்களுக்கு எதிரான அச்சுறுத்தல்களையும் தாக்குதல்களையும் நிறுத்த வேண்டுமென்று நாங்கள் அரசாங்கத்தைக் கேட்டுக்கொள்கிறோம். சர்வதேச சமூகம் இந்தப் பாதுகாவலர்களுக்கு ஆதரவாக நடவடிக்கை எடுக்க வேண்டும்.",
  am: "የሰብአዊ መብት ተሟጋቾችን ከማስፈራራትና ከጥቃት ለመጠበቅ መንግሥት አስቸኳይ እርምጃ እንዲወስድ እንጠይቃለን። ዓለም አቀፉ ማህበረሰብ እነዚህን ተሟጋቾች ለመደገፍ ተጨባጭ እርምጃዎችን መውሰድ ይኖርበታል።",
  ti: "ንሰብኣዊ መሰል ተጣበቕቲ ካብ ምፍርራሕን መጥቃዕትን ንምክልኻል መንግስቲ ቅልጡፍ ስጉምቲ ክወስድ ንሓትት። ዓለምለኻዊ ማሕበረሰብ ነዞም ተጣበቕቲ ንምድጋፍ ተጨባጢ ስጉምትታት ክወስድ ይግባእ።",
};
const WIDTHS = Array.from({ length: 40 }, (_, i) => 12 + i * 0.35);

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("soft hyphens in a face after the stack's first, printed by Chromium and in our PDF", () => {
  jest.setTimeout(300_000);
  const fonts = loadFontLibrary();
  const hyphenation = loadHyphenation();
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(Object.keys(TEXT) as LocaleId[])("%s: the same line starts at every width", async (locale) => {
    // An English paragraph, hyphenated too, as a translation notice or a signatory's name is: the HTML
    // edition's Noto Sans then holds a soft hyphen and a space, and Chromium sets every soft hyphen in it.
    const paragraphs = WIDTHS.map((_, w) => `<p class="w${w}">${TEXT[locale]}</p>`).join("");
    const english = '<p lang="en">This is an unofficial translation; the English text is authoritative.</p>';
    const fragment = `<article class="letter" lang="${locale}">${english}${paragraphs}</article>`;
    const author = [
      "@page { size: A4; margin: 15mm; }",
      'body { font-family: "Noto Sans", var(--font-body); font-size: 10pt; line-height: 1.5; font-kerning: normal; }',
      "p { margin: 0 0 6pt; hyphens: auto; }",
      ...WIDTHS.map((width, w) => `.w${w} { width: ${width}em; }`),
    ].join("\n");
    const { ours, chromium } = await printFragmentBothWays(launched.browser, fonts, { locale, fragment, author, hyphenation });
    const figures = compareEditions(ours, chromium, 0);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect(figures.agreeing).toBe(1);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
  });
});
