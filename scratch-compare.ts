import { writeFileSync } from "node:fs";
import { renderDocument } from "./functions/core/render-document";
import { createRenderer } from "./functions/render/create-renderer";
import { launchChromium } from "./test/support/browser";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "./test/support/letters";
(async () => {
  const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  const parsed = await loadSeedLetter();
  const l = await launchChromium();
  for (const locale of process.argv[2]!.split(",")) {
    const pdf = await renderDocument(renderer, parsed, { letterId: SEED_LETTER, locale: locale as never, format: "pdf", recipientId: null });
    const html = await renderDocument(renderer, parsed, { letterId: SEED_LETTER, locale: locale as never, format: "html", recipientId: null });
    writeFileSync(`/tmp/style-scratch/ours-${locale}.pdf`, pdf.bytes);
    const page = await l.browser.newPage();
    await page.setContent(html.bytes.toString("utf8"));
    await page.emulateMedia({ media: "print" });
    writeFileSync(`/tmp/style-scratch/chromium-${locale}.pdf`, await page.pdf({ preferCSSPageSize: true }));
    await page.close();
  }
  await l.close();
})();
