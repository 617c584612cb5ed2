import { importGraph } from "../support/import-graph";

/**
 * What `cdk synth` loads: the CDK app's import graph (packages left external), read from esbuild's
 * metafile. Infra takes shared names and limits from functions/deployment-contract.ts; nothing of
 * the typesetter (fontkit, pdfkit, the PDF core) or the AWS SDK may come with them.
 */
describe("the CDK app's imports", () => {
  let sources: string[];
  let packages: string[];
  beforeAll(async () => {
    ({ sources, packages } = await importGraph(["infra/app.ts"]));
  });

  it("reach the functions only through the deployment contract and the light modules it names", () => {
    const functions = sources.filter((source) => source.startsWith("functions/")).sort();
    expect(functions).toContain("functions/deployment-contract.ts");
    // The font registry (functions/core/pdf/font-library.ts) is data and types only: which families set
    // which scripts, from which files. Anything else of the typesetter must stay out.
    const heavy = functions.filter((source) => source !== "functions/core/pdf/font-library.ts");
    for (const source of heavy)
      expect(source).not.toMatch(
        /^functions\/(core\/(pdf|html|template)\/|fonts\/load-font-library|render\/(create-renderer|render-handler|render-service)|download\/|storage\/s3-)/,
      );
  });

  it("load no fontkit, pdfkit or AWS SDK at synth", () => {
    expect(packages.filter((name) => /^(fontkit|pdfkit|@aws-sdk\/|handlebars|linebreak|bidi-js)/.test(name))).toEqual([]);
    expect(packages).toContain("aws-cdk-lib");
  });
});

describe("the download function's imports", () => {
  it("carry no part of the typesetter: it presigns, invokes the render function, and words refused-link pages from the message catalogs", async () => {
    const { sources, packages } = await importGraph(["functions/download/handler.ts"]);
    // The share links' refused-link pages are worded from templates/share-pages (ICU messages): the
    // catalog reader and the message formatter come along, and nothing else of the template engine;
    // of the typesetter only the font registry's data (see above).
    const typesetter = /^functions\/(core\/(pdf|html)\/|core\/template\/(?!message-catalog\.ts$)|fonts\/load-font-library|render\/(create-renderer|render-service|render-handler))/;
    expect(sources.filter((source) => typesetter.test(source) && source !== "functions/core/pdf/font-library.ts")).toEqual([]);
    expect(sources).toContain("functions/core/template/message-catalog.ts");
    expect(packages.filter((name) => /^(fontkit|pdfkit|handlebars|linebreak|bidi-js|parse5)/.test(name))).toEqual([]);
  });
});
