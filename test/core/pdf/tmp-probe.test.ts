import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { options, stylesheetsFor } from "./pdf-inspect";
it("probe", async () => {
  const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  const body = process.env.BODY!;
  const fragment = `<article class="letter" lang="en" dir="${process.env.DIR ?? "ltr"}">${body}</article>`;
  const pdf = await renderPdf(fragment, options("en", { stylesheets: stylesheetsFor("en", "A4", `${print}\n${process.env.CSS ?? ""}`), images: assets }));
  writeFileSync("/tmp/pages-exp/probe.pdf", pdf);
});
