import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { DocumentRequest } from "../../functions/core/documents";
import { LetterpressError } from "../../functions/core/errors";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { createRenderer } from "../../functions/render/create-renderer";
import { renderAndStore } from "../../functions/render/render-and-store";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/**
 * One edition of a document is never published without the other (issue 15 item 9): when the PDF of
 * a (letter, language) fails, its HTML edition, which was made, is not stored, and both are reported
 * failed with the PDF's cause. Before, the HTML edition was stored and listed alone. The PDF's
 * failure is injected into a real renderer (what fails the PDF alone is refused by the template
 * checks now), against the embedded S3 server over HTTP.
 */
jest.setTimeout(120_000);

let h: Harness;
let renderer: DocumentRenderer;
beforeAll(async () => {
  h = await startHarness();
  renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
});
afterAll(() => h.stop());

const request = (locale: string, format: "pdf" | "html"): DocumentRequest => ({ letterId: SEED_LETTER, locale: locale as LocaleId, format, recipientId: null });

async function storedKeys(): Promise<string[]> {
  const listed = await h.client.send(new ListObjectsV2Command({ Bucket: h.s3.bucket }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "");
}

it("a PDF that fails keeps its HTML edition from being published alone; the other language is published whole", async () => {
  const failing: DocumentRenderer = {
    ...renderer,
    pdf: async (filled, paper, engine) => {
      if (filled.view.locale === "fr") throw new LetterpressError("RENDER_ERROR", "the French PDF cannot be laid out");
      return renderer.pdf(filled, paper, engine);
    },
  };
  const parsed = await loadSeedLetter();
  // HTML asked first: it is made before the PDF fails, and still not stored.
  const result = await renderAndStore(failing, h.store(), parsed, [request("fr", "html"), request("fr", "pdf"), request("en", "html"), request("en", "pdf")], "ed1ed1ed1e");
  expect(result.failures.filter((failure) => failure.request.locale === "en")).toEqual([]);
  expect(result.stored.map((stored) => `${stored.request.locale}.${stored.request.format}`).sort()).toEqual(["en.html", "en.pdf"]);
  expect(result.failures.map((failure) => [`${failure.request.locale}.${failure.request.format}`, failure.error.message])).toEqual([
    ["fr.pdf", "the French PDF cannot be laid out"],
    [
      "fr.html",
      expect.stringMatching(
        /^not stored: the PDF edition of the same document failed, and one edition is never published without the other \(the French PDF cannot be laid out\)$/,
      ),
    ],
  ]);
  const keys = await storedKeys();
  expect(keys.filter((key) => key.includes("/fr/"))).toEqual([]);
  expect(keys.filter((key) => /\/en\/.*\.(pdf|html)$/.test(key))).toHaveLength(2);
  // The manifest lists the English editions only.
  expect(result.manifest?.documents.map((document) => `${document.locale}.${document.format}`).sort()).toEqual(["en.html", "en.pdf"]);
});

it("an HTML edition that fails keeps its PDF from being published alone", async () => {
  const parsed = await loadSeedLetter();
  const failing: DocumentRenderer = { ...renderer, webFonts: { ...renderer.webFonts!, fonts: undefined as never } };
  const result = await renderAndStore(failing, h.store(), parsed, [request("es", "pdf"), request("es", "html")], "ed2ed2ed2e");
  expect(result.stored).toEqual([]);
  expect(result.failures.map((failure) => `${failure.request.format}: ${failure.error.message.slice(0, 70)}`)).toEqual([
    expect.stringMatching(/^html: /),
    expect.stringMatching(/^pdf: not stored: the HTML edition of the same document failed/),
  ]);
  expect((await storedKeys()).filter((key) => key.includes("ed2ed2ed2e"))).toEqual([]);
});
