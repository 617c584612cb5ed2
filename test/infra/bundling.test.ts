import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ENV } from "../../functions/config";
import { HYPHENATION_BUNDLE_FOLDER, PREPARED_TEMPLATES_FILE } from "../../functions/deployment-contract";
import { BUNDLE_FILES } from "../../functions/fonts/font-files";
import { loadHyphenation } from "../../functions/hyphenation/load-hyphenation";
import { PAGE_MESSAGES_FOLDER, templateNames } from "../../functions/templates/load-template-set";
import { CHECKED_PAGE_CATALOGS_FILE } from "../../functions/templates/page-catalogs";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { uploadLetterData } from "../support/lambda-env";
import { TEMPLATES_DIR } from "../support/letters";
import { synthStack } from "./synth-stack";

/**
 * The one synth with the real deployable assets: the local esbuild bundles both handlers (no Docker)
 * and the afterBundling hook copies templates and fonts beside index.js.
 */
/** A bundle's environment as Lambda gives it: only PATH, the function's settings, and credentials for the embedded S3. */
function bundleEnvironment(harness: Harness): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"] ?? "",
    [ENV.documentsBucket]: harness.s3.bucket,
    [ENV.s3Endpoint]: harness.s3.endpoint,
    [ENV.region]: harness.s3.region,
    AWS_ACCESS_KEY_ID: harness.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: harness.s3.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "CRITICAL",
  };
}

describe("function bundles (real local esbuild)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "letterpress-cdk-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  let assets: Record<"render" | "download", string>;
  beforeAll(() => {
    const { app, stack, template } = synthStack({}, { bundle: true, outdir });
    app.synth();
    const assetDir = (fn: typeof stack.render.renderer.function) => {
      // The code's S3 key is the asset hash; the cloud assembly keeps the bundle in asset.<hash>/.
      const key = template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Code.S3Key as string;
      return join(outdir, `asset.${key.replace(/\.zip$/, "")}`);
    };
    assets = { render: assetDir(stack.render.renderer.function), download: assetDir(stack.download.downloader.function) };
  }, 120_000);

  it("puts index.js, templates/, every font file of functions/fonts and HarfBuzz's wasm into the render bundle", () => {
    const files = readdirSync(assets.render);
    // prepared-templates.js: the templates precompiled at bundling time (test/infra/prepared-templates.test.ts).
    expect(files).toEqual(expect.arrayContaining(["index.js", "index.js.map", "templates", "fonts", PREPARED_TEMPLATES_FILE]));
    // Every template folder of templates/, beside letterpress's user-agent stylesheet.
    const templates = templateNames(TEMPLATES_DIR);
    expect(readdirSync(join(assets.render, "templates"))).toEqual(expect.arrayContaining(["ua.css", ...templates]));
    for (const template of templates)
      expect(readdirSync(join(assets.render, "templates", template))).toEqual(expect.arrayContaining(["letter.hbs", "page.hbs", "print.css", "partials", "messages"]));
    // LAMBDA_BUNDLE's alias reaches the deployed bundle: brotli's decoder (its dictionary an array literal) is not in index.js.
    const sources = (JSON.parse(readFileSync(join(assets.render, "index.js.map"), "utf8")) as { sources: string[] }).sources;
    expect(sources.filter((source) => source.includes("node_modules/brotli/"))).toEqual([]);
    expect(sources.some((source) => source.includes("without-brotli"))).toBe(true);
    expect(sources.filter((source) => source.includes("node_modules/@noble/ciphers/"))).toEqual([]);
    const expectedFonts = BUNDLE_FILES.map((file) => file.fileName).sort();
    expect(expectedFonts).toContain("harfbuzz.wasm");
    expect(readdirSync(join(assets.render, "fonts")).sort()).toEqual(expectedFonts);
  });

  it("puts the hyphenation patterns into the render bundle, usable from the bundle's copy alone, and no pattern into index.js", () => {
    const dir = join(assets.render, HYPHENATION_BUNDLE_FOLDER);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["de", "ru", "en-gb", "patterns"]));
    // The loader the render function uses, pointed at the bundle's copy: its own files, no node_modules.
    const hyphenate = loadHyphenation(dir).hyphenatorFor("de-AT");
    expect(hyphenate?.("Menschenrechtsverletzungen")).toBe("Men\u00adschen\u00adrechts\u00adver\u00adlet\u00adzun\u00adgen");
    // Loaded lazily per language: the bundle's code holds no pattern table.
    expect(readFileSync(join(assets.render, "index.js"), "utf8")).not.toContain("hyphenationPatternsDe");
  });

  it("puts index.js and templates/ (whose message catalogs word the refused-link pages) into the download bundle, and no fonts", () => {
    // page-catalogs-checked.json: the share pages' catalogs checked at bundling, not at each cold start (test/templates/page-catalogs-at-build.test.ts).
    expect(readdirSync(assets.download).sort()).toEqual(["index.js", "index.js.map", CHECKED_PAGE_CATALOGS_FILE, "templates"].sort());
    expect(readdirSync(join(assets.download, "templates", PAGE_MESSAGES_FOLDER))).toEqual(expect.arrayContaining(["en.json", "fr.json"]));
    expect(existsSync(join(assets.download, "fonts"))).toBe(false);
  });

  it("renders an Arabic PDF from the bundle alone (templates/, fonts/ and harfbuzz.wasm found beside index.js, no pdfkit AFM data needed), and the download bundle links to it", async () => {
    const harness = await startHarness();
    try {
      await uploadLetterData(harness);
      // A separate Node process, as Lambda runs it: only the bundle folder, the environment the stack
      // sets (no TEMPLATES_DIR / FONTS_DIR), and the embedded S3 server in place of S3.
      const script = `require(${JSON.stringify(join(assets.render, "index.js"))}).handler({ letterId: "unsc-dprk-2015", locales: ["ar"], formats: ["pdf"] })
        .then((report) => process.stdout.write(JSON.stringify(report)), (error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
        cwd: outdir,
        env: bundleEnvironment(harness),
      });
      expect(JSON.parse(stdout)).toMatchObject({ letterId: "unsc-dprk-2015", failures: [] });
      const listing = await harness.client.send(new ListObjectsV2Command({ Bucket: harness.s3.bucket, Prefix: "letters/unsc-dprk-2015/" }));
      expect((listing.Contents ?? []).map((object) => object.Key)).toContainEqual(expect.stringMatching(/^letters\/unsc-dprk-2015\/[0-9a-f]+\/ar\/.+\.pdf$/));

      // The download bundle, alone in its folder, links to that document.
      const event = {
        version: "2.0",
        routeKey: "GET /letters/{letterId}/{locale}/{format}",
        rawPath: "/letters/unsc-dprk-2015/ar/pdf",
        rawQueryString: "",
        headers: {},
        pathParameters: { letterId: "unsc-dprk-2015", locale: "ar", format: "pdf" },
        requestContext: { http: { method: "GET" } },
        isBase64Encoded: false,
      };
      const download = `require(${JSON.stringify(join(assets.download, "index.js"))}).handler(${JSON.stringify(event)})
        .then((reply) => process.stdout.write(JSON.stringify(reply)), (error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`;
      const linked = await promisify(execFile)(process.execPath, ["-e", download], {
        cwd: outdir,
        env: bundleEnvironment(harness),
      });
      const reply = JSON.parse(linked.stdout) as { statusCode: number; headers: Record<string, string> };
      expect(reply.statusCode).toBe(302);
      expect(reply.headers["location"]).toMatch(/\/letters\/unsc-dprk-2015\/[0-9a-f]+\/ar\/letter\.pdf\?.*X-Amz-Signature=/);
    } finally {
      await harness.stop();
    }
  }, 120_000);
});
