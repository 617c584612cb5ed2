import { createHash } from "node:crypto";
import { PutObjectCommand, type PutObjectCommandInput } from "@aws-sdk/client-s3";
import type { RenderedDocument } from "../../functions/core/documents";
import { createDownloadHandler } from "../../functions/download/download-handler";
import type { InvokeReply } from "../../functions/download/render-invoker";
import { LETTERS_PAGE_CSP, lettersPage, type PublishedLetter, readPublishedLetters } from "../../functions/download/letters-page";
import { createHandlerLogger } from "../../functions/handler-logger";
import type { ManifestEntry } from "../../functions/storage/manifest";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { type Harness, REVISION, renderedDocument, startHarness } from "../storage/embedded-s3-harness";
import { attribute, byTag, findAll, parseDocument, textContent } from "../support/html";

jest.setTimeout(30_000);

const entry = (locale: string, format: "pdf" | "html", recipientId: string | null, key = `letters/x/r/${locale}/${recipientId ?? ""}letter.${format}`): ManifestEntry => ({
  key,
  size: 10,
  sha256: "0".repeat(64),
  locale,
  format,
  recipientId,
  contentType: format === "pdf" ? "application/pdf" : "text/html; charset=utf-8",
});

function documentRows(html: string) {
  const document = parseDocument(html);
  return findAll(document, byTag("tr"))
    .filter((row) => findAll(row, byTag("form")).length > 0)
    .map((row) => ({
      text: textContent(row),
      download: attribute(findAll(row, byTag("a"))[0]!, "href"),
      share: attribute(findAll(row, byTag("form"))[0]!, "action"),
      recipient: attribute(findAll(row, byTag("form"))[0]!, "data-recipient"),
    }));
}

describe("the letters page (pure)", () => {
  it("lists every document of every letter's manifest, with its download link and a share control for the same document", () => {
    const letters: PublishedLetter[] = [
      { letterId: "alpha", revision: "aaaaaaaaaaaa", documents: [entry("ru", "html", null), entry("en", "pdf", null), entry("es", "pdf", "cl"), entry("en", "html", null)] },
      { letterId: "beta", revision: "bbbbbbbbbbbb", documents: [entry("fr", "pdf", "france")] },
    ];
    const rows = documentRows(lettersPage(letters));
    expect(rows.map(({ download, share, recipient }) => ({ download, share, recipient }))).toEqual([
      { download: "/letters/alpha/en/html", share: "/letters/alpha/en/html/shares", recipient: undefined },
      { download: "/letters/alpha/en/pdf", share: "/letters/alpha/en/pdf/shares", recipient: undefined },
      { download: "/letters/alpha/ru/html", share: "/letters/alpha/ru/html/shares", recipient: undefined },
      { download: "/letters/alpha/es/pdf?recipient=cl", share: "/letters/alpha/es/pdf/shares", recipient: "cl" },
      { download: "/letters/beta/fr/pdf?recipient=france", share: "/letters/beta/fr/pdf/shares", recipient: "france" },
    ]);
    expect(rows[2]!.text).toContain("Russian (ru)");
    expect(rows[3]!.text).toContain("cl");
    expect(rows[0]!.text).toContain("whole letter");
  });

  it("escapes every value from the bucket: markup in a letter id, locale, recipient or revision stays text", () => {
    const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const html = lettersPage([
      { letterId: hostile, revision: `r${hostile}`, documents: [entry(`en${hostile}`, "pdf", `who${hostile}`)] },
      { letterId: `p${hostile}`, problem: `cannot be read: ${hostile}` },
    ]);
    const document = parseDocument(html);
    // The page's own script is the only script, and no element carries an event handler.
    expect(findAll(document, byTag("script"))).toHaveLength(1);
    expect(findAll(document, byTag("img"))).toHaveLength(0);
    expect(findAll(document, (element) => element.attrs.some((attr) => attr.name.startsWith("on")))).toEqual([]);
    const headings = findAll(document, byTag("h2")).map(textContent);
    expect(headings).toEqual([hostile, `p${hostile}`]);
    const [row] = documentRows(html);
    expect(row!.recipient).toBe(`who${hostile}`);
    // Path segments are percent-encoded, then escaped for the attribute.
    expect(row!.download).toBe(`/letters/${encodeURIComponent(hostile)}/${encodeURIComponent(`en${hostile}`)}/pdf?recipient=${encodeURIComponent(`who${hostile}`)}`);
    expect(textContent(document)).toContain(`cannot be read: ${hostile}`);
  });

  it("heads each letter with its title in the page's language (English), its id beside it as secondary text", () => {
    const titled = (locale: string, title: string, recipientId: string | null = null): ManifestEntry => ({ ...entry(locale, "pdf", recipientId), title });
    const document = parseDocument(
      lettersPage([
        { letterId: "alpha", revision: "aaaaaaaaaaaa", documents: [titled("fr", "Lettre ouverte"), titled("en", "An open letter"), titled("en", "An open letter", "gb")] },
        // No English document: the first language's title, marked with its language.
        { letterId: "beta", revision: "bbbbbbbbbbbb", documents: [titled("ru", "Открытое письмо"), titled("de", "Offener Brief")] },
        // A manifest written before titles were recorded: the id is the heading.
        { letterId: "gamma", revision: "cccccccccccc", documents: [entry("en", "pdf", null)] },
        { letterId: "delta", problem: "not published yet: it has no latest.json" },
      ]),
    );
    const headings = findAll(document, byTag("h2"));
    expect(headings.map(textContent)).toEqual(["An open letter", "Offener Brief", "gamma", "delta"]);
    expect(findAll(headings[0]!, byTag("span")).map((span) => attribute(span, "lang"))).toEqual([undefined]);
    expect(attribute(findAll(headings[1]!, byTag("span"))[0]!, "lang")).toBe("de");
    expect(findAll(document, byTag("code")).map(textContent)).toEqual(["alpha", "beta", "gamma", "delta"]);
    expect(textContent(document)).toContain("Letter alpha");
  });

  it("escapes a title from the bucket", () => {
    const hostile = `</h2><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const document = parseDocument(lettersPage([{ letterId: "alpha", revision: "aaaaaaaaaaaa", documents: [{ ...entry("en", "pdf", null), title: hostile }] }]));
    expect(findAll(document, byTag("h2")).map(textContent)).toEqual([hostile]);
    expect(findAll(document, byTag("script"))).toHaveLength(1);
    expect(findAll(document, byTag("img"))).toHaveLength(0);
  });

  it("says so when the bucket holds no letter, and when a letter's latest revision lists no documents", () => {
    const empty = parseDocument(lettersPage([]));
    expect(textContent(empty)).toContain("No letter has been published yet");
    expect(findAll(empty, byTag("form"))).toHaveLength(0);
    expect(textContent(parseDocument(lettersPage([{ letterId: "alpha", revision: "aaaaaaaaaaaa", documents: [] }])))).toContain("lists no documents yet");
  });

  it("allows its one inline script and style by their SHA-256 in the CSP, and nothing else to load", () => {
    const document = parseDocument(lettersPage([]));
    const hash = (element: Parameters<typeof textContent>[0]) => `'sha256-${createHash("sha256").update(textContent(element), "utf8").digest("base64")}'`;
    const directives = Object.fromEntries(LETTERS_PAGE_CSP.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1).join(" ")]));
    expect(directives["default-src"]).toBe("'none'");
    expect(directives["script-src"]).toBe(hash(findAll(document, byTag("script"))[0]!));
    expect(directives["style-src"]).toBe(hash(findAll(document, byTag("style"))[0]!));
    expect(directives["connect-src"]).toBe("'self'");
    expect(directives["frame-ancestors"]).toBe("'none'");
  });
});

describe("the letters page from the bucket (embedded S3)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const ofLetter = (letterId: string, document: RenderedDocument): RenderedDocument => ({ ...document, request: { ...document.request, letterId } });

  it("reads each letter's latest manifest, and names a letter that has documents but no latest pointer", async () => {
    const store = h.store();
    const first = [renderedDocument("en", "pdf", "one"), renderedDocument("ar", "html", "two", "france")].map((doc) => ofLetter("first-letter", doc));
    const stored = await Promise.all(first.map((doc) => store.put(doc, { revision: "111111111111", downloadName: "First" })));
    await store.publishRevision(
      "first-letter",
      "111111111111",
      stored.map((result) => result.document),
    );
    // A later revision replaces what is listed.
    const newer = await store.put(ofLetter("first-letter", renderedDocument("zh", "pdf", "three")), { revision: "222222222222", downloadName: "First" });
    await store.publishRevision("first-letter", "222222222222", [newer.document]);
    await store.put(ofLetter("unpublished", renderedDocument("en", "pdf", "four")), { revision: "333333333333", downloadName: "Unpublished" });

    const letters = await readPublishedLetters(store);
    expect(letters).toEqual([
      { letterId: "first-letter", revision: "222222222222", documents: [newer.document] },
      { letterId: "unpublished", problem: "not published yet: it has no latest.json" },
    ]);
  });

  it("names a letter whose pointer cannot be read, and still lists the others", async () => {
    const store = h.store();
    const stored = await store.put(ofLetter("good", renderedDocument("en", "pdf", "ok")), { revision: "111111111111", downloadName: "Good" });
    await store.publishRevision("good", "111111111111", [stored.document]);
    await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: "letters/broken/latest.json", Body: "not json" }));
    const letters = await readPublishedLetters(store);
    expect(letters[0]).toMatchObject({ letterId: "broken", problem: expect.stringContaining("cannot be read") });
    expect(letters[1]).toEqual({ letterId: "good", revision: "111111111111", documents: [stored.document] });
  });

  it("is served by the download handler on GET / with its CSP, and answers 503 in words when the bucket cannot be listed", async () => {
    const logger = createHandlerLogger("letters-page-test", "SILENT");
    const dependencies = {
      invokeRender: async (): Promise<InvokeReply> => ({ payload: new Uint8Array(), functionError: "Unhandled" }),
      allowedLocales: "all" as const,
      urlLifetime: { defaultSeconds: 60, maxSeconds: 600 },
      logger,
    };
    const handler = createDownloadHandler({ ...dependencies, store: h.store() });
    const event = {
      version: "2.0",
      routeKey: "GET /",
      rawPath: "/",
      rawQueryString: "",
      headers: {},
      requestContext: { http: { method: "GET", path: "/" } },
      isBase64Encoded: false,
    };
    const reply = await handler(event as never);
    expect(reply).toMatchObject({
      statusCode: 200,
      headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": LETTERS_PAGE_CSP, "cache-control": "no-store" },
    });
    expect(reply.body).toContain("No letter has been published yet");

    // A store whose endpoint nothing listens on (port 9 on loopback refuses at once).
    const client = createS3Client({ ...h.s3.connection, endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    const unreachable = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 600 });
    const failing = createDownloadHandler({ ...dependencies, store: unreachable });
    const refused = await failing(event as never);
    client.destroy();
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain("cannot be listed right now");
    expect(refused.body).not.toContain("ECONNREFUSED");
  });
});

describe("the letters page's titles when publishers of one revision list each other's documents", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const MANIFEST = `letters/unsc-dprk-2015/${REVISION}/manifest.json`;
  /** Titles of our own, one per language; each publisher records its language's title with its documents. */
  const TITLES: Record<string, string> = {
    en: "Letter on the resolution, as adopted",
    de: "Brief zur Resolution, wie angenommen",
    fr: "Lettre sur la résolution adoptée",
    ar: "رسالة بشأن القرار بصيغته المعتمدة",
  };

  const heading = (html: string) => textContent(findAll(parseDocument(html), byTag("h2"))[0]!);

  it("heads the letter with the English title when another publisher listed the English documents, untitled, before theirs wrote", async () => {
    // The English publisher is held after storing its entries, before it reads the manifest again;
    // meanwhile the German one publishes and lists the English documents from their entry keys (no
    // title). The English publisher then finds its documents listed and writes nothing.
    const client = createS3Client({ ...h.s3.connection, maxAttempts: 1 });
    const german = h.store();
    let entriesStored = false;
    let germanPublished = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as PutObjectCommandInput).Key ?? "";
        if (context.commandName === "PutObjectCommand" && key.includes("/published/")) entriesStored = true;
        if (context.commandName === "GetObjectCommand" && key === MANIFEST && entriesStored && !germanPublished) {
          germanPublished = true;
          const documents = await Promise.all(
            (["pdf", "html"] as const).map(
              async (format) => (await german.put(renderedDocument("de", format, "Brief"), { revision: REVISION, downloadName: "Brief", title: TITLES.de })).document,
            ),
          );
          await german.publishRevision("unsc-dprk-2015", REVISION, documents);
        }
        return next(args);
      },
      { step: "initialize", name: "germanPublisherInBetween" },
    );
    const english = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
    try {
      const documents = await Promise.all(
        (["pdf", "html"] as const).map(
          async (format) => (await english.put(renderedDocument("en", format, "Letter"), { revision: REVISION, downloadName: "Letter", title: TITLES.en })).document,
        ),
      );
      await english.publishRevision("unsc-dprk-2015", REVISION, documents);
    } finally {
      client.destroy();
    }
    expect(germanPublished).toBe(true);
    // The fault's precondition, as the protocol leaves it: the English documents are listed untitled.
    const manifest = await h.store().getManifest("unsc-dprk-2015", REVISION);
    expect(manifest?.documents.filter((d) => d.locale === "en").map((d) => d.title)).toEqual([undefined, undefined]);

    const gets = h.s3.requests.filter((r) => r.method === "GET").length;
    const page = lettersPage(await readPublishedLetters(h.store()));

    expect(heading(page)).toBe(TITLES.en);
    // Bounded: one read of the English entry on top of listing, the pointer, the manifest and the
    // revision's waiting languages (waiting.json, a 404 when none waits).
    expect(h.s3.requests.filter((r) => r.method === "GET").length - gets).toBeLessThanOrEqual(5);
  });

  it("heads each letter with its own language's title when 32 publishers of every language publish one revision of each at once", async () => {
    // Two letters: one with English (headed in English), one without (headed in its first language, Arabic).
    const letters = { "with-english": Object.keys(TITLES), "without-english": Object.keys(TITLES).filter((l) => l !== "en") };
    const publishers = await Promise.all(
      Object.entries(letters).flatMap(([letterId, locales]) =>
        Array.from({ length: 32 }, async (_, i) => {
          const locale = locales[i % locales.length] as string;
          const client = createS3Client({ ...h.s3.connection, maxAttempts: 1 });
          const store = new S3DocumentStore({ client, bucket: h.s3.bucket, maxPresignExpirySeconds: 3_600 });
          const rendered = renderedDocument(locale, i % 2 ? "pdf" : "html", `copy ${i}`, `member-${i}`);
          const { document } = await store.put(
            { ...rendered, request: { ...rendered.request, letterId } },
            { revision: REVISION, downloadName: "Letter", title: TITLES[locale] as string },
          );
          return { letterId, client, store, document };
        }),
      ),
    );
    try {
      await Promise.all(publishers.map(({ letterId, store, document }) => store.publishRevision(letterId, REVISION, [document])));
    } finally {
      for (const { client } of publishers) client.destroy();
    }

    const document = parseDocument(lettersPage(await readPublishedLetters(h.store())));
    const headings = findAll(document, byTag("h2")).map((h2) => ({ text: textContent(h2), lang: findAll(h2, byTag("span")).map((span) => attribute(span, "lang"))[0] }));
    expect(headings).toEqual([
      { text: TITLES.en, lang: undefined },
      { text: TITLES.ar, lang: "ar" },
    ]);
    // 64 publishers over HTTP on a shared 2-core machine: room for load, not a speed requirement.
  }, 240_000);
});
