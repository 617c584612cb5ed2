import { type LocaleId, localeInfo } from "../locales";
import type { FontLibrary } from "./font-library";
import { type ParsedStylesheets, parseStylesheets, type StylesheetSource } from "../style";
import { renderPdf } from "./render-pdf";

/** A sentence in each script, long enough to reach the kerning and joining tables of its faces. */
const SAMPLES: Readonly<Record<string, string>> = {
  Latn: "Excellencies, we urge the Security Council to hold a formal session on the human rights situation in North Korea (DPRK) before the end of 2015: “accountability” matters.",
  Cyrl: "Ваши превосходительства, мы призываем Совет Безопасности провести официальное заседание по положению в области прав человека в КНДР до конца 2015 года.",
  Arab: "أصحاب السعادة، نحث مجلس الأمن على عقد جلسة رسمية بشأن حالة حقوق الإنسان في كوريا الشمالية (DPRK) قبل نهاية عام 2015.",
  Hans: "各位阁下：我们敦促安全理事会在2015年底之前就朝鲜（DPRK）人权状况举行正式会议。",
  Kore: "각하, 우리는 안전보장이사회가 2015년 말 이전에 북한(DPRK) 인권 상황에 관한 공식 회의를 개최할 것을 촉구합니다.",
  Hebr: "כבוד החברים, אנו קוראים למועצת הביטחון לקיים ישיבה רשמית על מצב זכויות האדם בצפון קוריאה (DPRK) לפני סוף 2015.",
  Deva: "महामहिम, हम सुरक्षा परिषद् से आग्रह करते हैं कि वह 2015 के अंत से पहले उत्तर कोरिया (DPRK) में मानवाधिकारों की स्थिति पर औपचारिक बैठक करे।",
  Jpan: "各位閣下、私たちは安全保障理事会に対し、2015年末までに北朝鮮（DPRK）の人権状況に関する正式な会合を開くよう求めます。",
  Hant: "各位閣下：我們敦促安全理事會在2015年底之前就朝鮮（DPRK）人權狀況舉行正式會議。",
  Thai: "ฯพณฯ เราขอเรียกร้องให้คณะมนตรีความมั่นคงจัดการประชุมอย่างเป็นทางการเกี่ยวกับสถานการณ์สิทธิมนุษยชนในเกาหลีเหนือ (DPRK) ก่อนสิ้นปี 2015",
};

function sampleLetter(locale: LocaleId): string {
  const { tag, dir, script } = localeInfo(locale);
  // A script without a sample of its own still warms the typesetter and the Latin faces; its own face loads on first use.
  const text = SAMPLES[script] ?? SAMPLES["Latn"]!;
  // Every face a letter uses: bold (sender, heading), italic (notice, emphasis), regular; a list and a quote.
  return `<article class="letter" lang="${tag}" dir="${dir}">
<header class="letterhead"><p class="sender">${text.slice(0, 24)}</p><p class="date">2015</p></header>
<h1>${text.slice(0, 30)}</h1>
<section class="body"><p class="excerpt-notice">${text.slice(0, 20)}</p>
<p>${text} <em>${text.slice(0, 16)}</em> <strong>${text.slice(0, 16)}</strong></p>
<blockquote><p>${text}</p></blockquote><ol><li>${text.slice(0, 40)}</li></ol></section>
<footer class="page-footer"><p class="footer-title">${text.slice(0, 12)}</p><p data-page-label=""></p></footer>
</article>`;
}

/**
 * Renders a short sample letter in each locale and throws the bytes away, so that a new process
 * pays its one-time costs (parsing fonts and their shaping tables, compiling the typesetter's hot
 * code) before its first request. A Lambda handler calls it at init, with the fonts it renders
 * with and the stylesheets of each language. Documents rendered afterwards have the same bytes as without it.
 * `parse` parses them (the template's own parse, which its documents then reuse); parsed here when not given.
 */
export async function warmUp(
  fonts: FontLibrary,
  locales: readonly LocaleId[],
  stylesheets: (locale: LocaleId) => readonly StylesheetSource[],
  parse: (sources: readonly StylesheetSource[]) => ParsedStylesheets = parseStylesheets,
): Promise<void> {
  for (const locale of locales) {
    const sources = stylesheets(locale);
    await renderPdf(sampleLetter(locale), {
      locale: localeInfo(locale),
      stylesheets: sources,
      parsedStylesheets: parse(sources),
      metadata: { title: "warm-up", author: "letterpress", subject: "warm-up", keywords: [], creationDate: new Date(0) },
      fonts,
    });
  }
}
