import { kilobytes } from "../local/progress-table";
import type { ProfileSummary } from "./profile";
import type { BenchResults, LocaleResult } from "./results";

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(1));
// One unit with the CLI (local/progress-table.ts): KB of 1,000 bytes.
const kb = (bytes: number | undefined) => (bytes === undefined ? "—" : kilobytes(bytes).replace(/ KB$/, ""));
const mb = (kilobytes: number | undefined) => (kilobytes === undefined ? "—" : (kilobytes / 1024).toFixed(0));
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const row = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]) => [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");

function unavailable(result: LocaleResult, columns: number): string[] {
  return [result.locale, `no document: ${result.unavailableReason ?? "unavailable"}`, ...Array.from({ length: columns - 2 }, () => "—")];
}

function chromiumNote(results: BenchResults): string {
  const { chromium } = results;
  if (chromium.status === "measured")
    return `Chromium ${chromium.version} (headless, one tab reused: \`setContent\` then \`pdf({ preferCSSPageSize: true })\`); launch to first PDF ${ms(chromium.launchToFirstPdfMs)} ms.`;
  if (chromium.status === "not installed") return `Chromium: not installed (no ${chromium.path}); its columns are empty.`;
  return "Chromium: skipped (--no-chromium).";
}

/** Issue 12 item 8's four figures and issue 13 item 6's extraction figure, per document. */
export function agreementSection(results: Pick<BenchResults, "agreement">): string[] {
  const { agreement } = results;
  const heading = ["## Chromium agreement and text extraction, per document", ""];
  if (agreement.status !== "measured") return [...heading, agreement.status === "skipped" ? "Skipped." : `Chromium not installed (${agreement.path}).`, ""];
  return [
    ...heading,
    "Chromium prints our HTML edition (print media, its own @page size, the same embedded fonts) and both PDFs are read back with poppler's `pdftotext -bbox-layout`, characters aligned one to one (test/support/edition-comparison.ts, the tests' own code). Paragraphs exact: the HTML edition's paragraphs found, in order and word for word after white space and NFC normalization, in the text poppler (`pdftotext`) and pdf.js extract from our PDF, running footers taken off.",
    "",
    table(
      [
        "locale",
        "document",
        "pages ours / Chromium",
        "characters ours / Chromium",
        "line starts agreeing",
        "characters on the same page",
        "median line-top difference pt",
        "paragraphs exact, poppler",
        "paragraphs exact, pdf.js",
        "first paragraph not exact",
      ],
      agreement.documents.map((entry) =>
        entry.error
          ? [entry.locale, entry.document, `failed: ${entry.error}`, "—", "—", "—", "—", "—", "—", "—"]
          : [
              entry.locale,
              entry.document,
              `${entry.pages.ours} / ${entry.pages.chromium}`,
              `${entry.characters.ours} / ${entry.characters.chromium}`,
              entry.lineStarts.toFixed(3),
              entry.samePage.toFixed(3),
              entry.topDifferencePt.toFixed(1),
              `${entry.poppler.exact} / ${entry.poppler.paragraphs}`,
              `${entry.pdfjs.exact} / ${entry.pdfjs.paragraphs}`,
              (entry.poppler.firstMiss ?? entry.pdfjs.firstMiss ?? "—").replace(/\|/g, "\\|"),
            ],
      ),
    ),
    "",
  ];
}

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;

/** What 1,000 letters cost on AWS: ours beside Chromium-on-Lambda, with the prices and assumptions. */
export function costSection(results: Pick<BenchResults, "cost">): string[] {
  const { cost } = results;
  if (!cost) return ["## Cost of 1,000 letters on AWS", "", "Not computed: it needs the batch.", ""];
  return [
    "## Cost of 1,000 letters on AWS",
    "",
    `One letter = its PDF and its HTML edition, rendered and stored. Chromium's memory: ${cost.chromiumMemorySource}.`,
    "",
    table(
      ["pipeline", "memory MB", "ms per letter", "GB-s", "Lambda compute", "Lambda requests", "S3 requests", "S3 storage / month", "total", "basis"],
      cost.estimates.map((estimate) => [
        estimate.pipeline,
        estimate.memoryMb,
        estimate.msPerDocument.toFixed(1),
        estimate.gbSeconds.toFixed(1),
        usd(estimate.computeUsd),
        usd(estimate.requestsUsd),
        usd(estimate.s3RequestsUsd),
        usd(estimate.storageUsdPerMonth),
        `**${usd(estimate.totalUsd)}**`,
        estimate.basis,
      ]),
    ),
    "",
    ...cost.assumptions.map((line) => `- ${line}`),
    "",
  ];
}

/** The results as the Markdown page bench/results/latest.md. */
export function renderMarkdown(results: BenchResults): string {
  const { settings, machine } = results;
  const warmRows = results.locales.map((result) => {
    if (!result.available || !result.ours) return unavailable(result, 13);
    const { ours, chromium } = result;
    const chromiumCells = chromium ? [ms(chromium.pdf.median), ms(chromium.pdf.p95), ms(chromium.firstPdfMs)] : ["not installed", "—", "—"];
    return [
      result.locale,
      result.stream ?? "",
      `${ours.pdfPages} / ${chromium?.pdfPages ?? "—"}`,
      ms(ours.pdf.median),
      ms(ours.pdf.p95),
      ms(ours.firstPdfMs),
      ...chromiumCells,
      result.ratio === undefined ? "—" : result.ratio.toFixed(3),
      result.ratio === undefined ? "—" : `${(1 / result.ratio).toFixed(1)}x`,
      kb(ours.pdfBytes),
      kb(chromium?.pdfBytes),
    ];
  });
  const htmlRows = results.locales.map((result) =>
    !result.available || !result.ours
      ? unavailable(result, 6)
      : [result.locale, ms(result.ours.html.median), ms(result.ours.html.p95), ms(result.ours.firstHtmlMs), kb(result.ours.htmlBytes), ms(result.ours.setupMs)],
  );
  const coldRows = results.locales.map((result) => {
    if (!result.available || !result.cold) return unavailable(result, 10);
    const { cold } = result;
    return [
      result.locale,
      ms(cold.toFirstBytes.median),
      ms(cold.toFirstBytes.min),
      ms(cold.toFirstBytes.p95),
      ms(cold.phases.mainStart),
      ms(cold.phases.rendererReady),
      ms(cold.phases.letterLoaded),
      ms(cold.phases.pdfRendered),
      cold.cpuPhases ? `${ms(cold.cpuPhases.toMain)} / ${ms(cold.cpuPhases.renderer)} / ${ms(cold.cpuPhases.letter)} / ${ms(cold.cpuPhases.pdf)}` : "—",
      mb(cold.maxRssKb),
    ];
  });
  // Each language's starts from the snapshot ran in turn with its starts on the bundle: the same machine load.
  const snapshotRows = results.locales
    .filter((result) => result.available && result.cold && result.coldSnapshot)
    .map((result) => {
      const plain = result.cold!;
      const restored = result.coldSnapshot!;
      return [
        result.locale,
        ms(plain.toFirstBytes.median),
        ms(restored.toFirstBytes.median),
        (restored.toFirstBytes.median / plain.toFirstBytes.median).toFixed(2),
        ms(plain.cpuMs),
        ms(restored.cpuMs),
        (restored.cpuMs / plain.cpuMs).toFixed(2),
        ms(restored.phases.mainStart),
        ms(restored.phases.letterLoaded),
        ms(restored.phases.pdfRendered),
        // Results of a run before the split was measured have none.
        restored.cpuPhases ? `${ms(restored.cpuPhases.toMain)} / ${ms(restored.cpuPhases.letter)} / ${ms(restored.cpuPhases.pdf)}` : "—",
        mb(restored.maxRssKb),
        restored.sameBytes
          ? "yes"
          : `**NO**: ${restored.differing} of ${restored.toFirstBytes.n} differ; the bundle's own runs ${restored.bundleRunsAgree ? "agree" : "differ too"}`,
      ];
    });
  const snapshotSection =
    snapshotRows.length > 0
      ? [
          "",
          "### Cold start from a V8 startup snapshot (the render function's custom runtime)",
          "",
          `\`node --snapshot-blob render.blob\`: the same render code with the bundle already evaluated and the renderer already built (templates compiled, stylesheets parsed) in a ${results.snapshot ? `${(results.snapshot.bytes / 1e6).toFixed(1)} MB` : ""} snapshot written by the same node (\`bench/entry/snapshot-entry.ts\`, \`functions/render/runtime/\`). Each run starts a process on the bundle and then one from the snapshot, in turn; CPU is user + system time up to the rendered PDF. Phases from the process's own clock: snapshot restored (main function called), letter loaded, PDF rendered; and the CPU time of each (node started and the snapshot restored, the letter read and validated, the first PDF), the split to read on a loaded machine. *same PDF* compares every PDF from the snapshot with the bundle's, byte for byte.`,
          "",
          table(
            [
              "locale",
              "bundle median",
              "snapshot median",
              "snapshot/bundle",
              "bundle CPU",
              "snapshot CPU",
              "CPU snapshot/bundle",
              "restored",
              "letter loaded",
              "PDF rendered",
              "CPU: restore / letter / PDF",
              "peak RSS MB",
              "same PDF",
            ],
            snapshotRows,
          ),
        ]
      : [];
  const memoryRows = results.locales.filter((result) => result.available).map((result) => [result.locale, mb(result.ours?.maxRssKb), mb(result.cold?.maxRssKb)]);
  const batch = results.batch;
  const lines = [
    `# letterpress benchmark: ${results.letterId}`,
    "",
    `${results.generatedAt}, mode **${results.mode}** (${Object.entries(settings)
      .map(([key, value]) => `${key} ${value}`)
      .join(", ")}).`,
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${Math.round(machine.totalMemoryMb / 1024)} GB, ${machine.platform}, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(" ")}.`,
    chromiumNote(results),
    `Bundles (esbuild, node22, cjs, minified): bench render entry ${kb(results.bundleBytes.renderEntry)} KB, batch worker ${kb(results.bundleBytes.batchWorker)} KB, functions/render/handler.ts ${kb(results.bundleBytes.handler)} KB.`,
    "",
    "Times in milliseconds, sizes in KB (1,000 bytes), memory in MB (MiB of maxRSS). The machine is shared and noisy: compare the ratios of one run, not absolute times across runs.",
    "",
    "## Warm PDF render, ours vs Chromium",
    "",
    "Each language in a fresh process; its first document, then warm-ups, then the measured stream of personalized letters, each to a reader the process has not rendered before: a synthetic mail merge made in bench code (bench/workload.ts; nothing added to data/), recipient n being the letter's real recipient (n - 1) mod 15 with the ordinal n after its translated country and representative, so the typesetter's caches cannot hit on a repeated reader's words as they did when the stream cycled the 15 real recipients. Chromium prints the same readers' HTML pages. Sizes are of the general letter (no recipient).",
    "",
    table(
      [
        "locale",
        "stream",
        "pages ours / Chromium",
        "ours median",
        "ours p95",
        "ours first doc",
        "Chromium median",
        "Chromium p95",
        "Chromium first doc",
        "ours/Chromium",
        "speedup",
        "PDF KB ours",
        "PDF KB Chromium",
      ],
      warmRows,
    ),
    "",
    "## HTML edition",
    "",
    table(["locale", "median", "p95", "first doc", "page weight KB (fonts embedded)", "process setup (templates + letter)"], htmlRows),
    "",
    "## Cold start of the bundled render code",
    "",
    `\`node\` spawned on the esbuild bundle with templates/ and fonts/ beside it (as on Lambda; letter data read from a folder), timed from spawn to the first PDF bytes on its stdout; ${settings["coldRuns"] ?? "?"} runs per language. Phases are the process's own clock (ms since it started): bundle loaded and evaluated, renderer created, letter read and validated, PDF rendered; then the CPU time each took (the split to read on a loaded machine).`,
    "",
    table(
      [
        "locale",
        "to first PDF bytes (median)",
        "min",
        "p95",
        "bundle loaded",
        "renderer ready",
        "letter loaded",
        "PDF rendered",
        "CPU: load / renderer / letter / PDF",
        "peak RSS MB",
      ],
      coldRows,
    ),
    ...snapshotSection,
    "",
    "## Peak memory (maxRSS)",
    "",
    table(["locale", "warm worker MB", "cold process MB"], memoryRows),
    batch ? `\nBatch workers: ${mb(batch.workerMaxRssKb)} MB (largest of ${batch.workers}).` : "",
    "",
    "## Batch: personalized letters, PDF + HTML, stored in the embedded S3",
    "",
    batch
      ? table(
          [
            "run",
            "letters",
            "documents",
            "failed",
            "workers",
            "wall s",
            "of which worker start-up s",
            "letters/s",
            "documents/s",
            "PUTs accepted",
            "render s (sum over workers)",
            "store s (sum over lanes)",
            "S3 requests per document (PUT/HEAD/GET)",
            "worker CPU s",
            "S3 server CPU s",
          ],
          [batch, results.batchRenderOnly]
            .filter((entry): entry is NonNullable<typeof entry> => entry !== null)
            .map((entry) => [
              entry.stored ? "rendered and stored" : "rendered only (same pool, no store)",
              entry.letters,
              entry.documents,
              entry.failures,
              entry.workers,
              (entry.wallMs / 1000).toFixed(2),
              (entry.startupMs / 1000).toFixed(2),
              entry.lettersPerSecond.toFixed(1),
              entry.documentsPerSecond.toFixed(1),
              entry.putsStored,
              (entry.renderMs / 1000).toFixed(1),
              entry.stored ? (entry.storeMs / 1000).toFixed(1) : "—",
              entry.stored && entry.documents > 0
                ? [entry.requests.put, entry.requests.head, entry.requests.get].map((count) => (count / entry.documents).toFixed(1)).join(" / ")
                : "—",
              (entry.workerCpuMs / 1000).toFixed(1),
              entry.stored ? (entry.serverCpuMs / 1000).toFixed(1) : "—",
            ]),
        ) + (batch.failureSamples.length ? `\n\nFailures, e.g.: ${batch.failureSamples.join("; ")}` : "")
      : "Skipped.",
    "",
    "Letter i goes to synthetic recipient i + 1 (a reader of its own, derived from real recipient i mod 15: see the warm method) in language floor(i / 15) mod L (every available language in equal share; each language's letters one mail merge); each letter has its own revision, so every document is a new object: one If-None-Match PUT through the SigV4-verifying front, confirmed by its answer (ETag, the MD5 of what arrived). CPU is user + system time of the processes: the workers' (rendering, and the S3 client's signing and HTTP when storing) and the embedded S3 server's (the harness process); the difference of the two runs' worker CPU is the client's share of storing.",
    "",
    ...agreementSection(results),
    ...costSection(results),
    "## Targets",
    "",
    table(
      ["target", "scope", "measured", "met", "gap"],
      results.targets.map((target) => [target.target, target.scope, target.measured, target.met === null ? "not measured" : target.met ? "met" : "**not met**", target.gap || "—"]),
    ),
    "",
    results.profile.length
      ? "## Where the time goes\n\nSee [profile.md](profile.md): self time by package and file, of the warm PDF loop and of a cold start, per language.\n"
      : "",
    "![ours vs Chromium, warm PDF median per language](latest.svg)",
    "",
  ];
  return lines.join("\n");
}

function profileTables(summaries: readonly ProfileSummary[], unit: string): string[] {
  const totals = new Map<string, number>();
  for (const summary of summaries) for (const category of summary.categories) totals.set(category.name, (totals.get(category.name) ?? 0) + category.share);
  const categories = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([name]) => name);
  const find = (summary: ProfileSummary, name: string) => summary.categories.find((category) => category.name === name);
  const perDocument = (summary: ProfileSummary, name: string) => (find(summary, name)?.ms ?? 0) / Math.max(summary.documents, 1);
  const lines = [
    table(
      ["where", ...summaries.map((summary) => summary.locale)],
      categories.map((name) => [name, ...summaries.map((summary) => `${percent(find(summary, name)?.share ?? 0)} (${perDocument(summary, name).toFixed(2)})`)]),
    ),
    "",
    table(
      ["", ...summaries.map((summary) => summary.locale)],
      [[`sampled ms ${unit}`, ...summaries.map((summary) => (summary.totalMs / Math.max(summary.documents, 1)).toFixed(1))]],
    ),
    "",
  ];
  for (const summary of summaries) {
    lines.push(
      `### ${summary.locale}: top functions by self time`,
      "",
      table(
        ["function", "file", "where", `ms ${unit}`, "share"],
        summary.functions.map((entry) => [`\`${entry.name}\``, entry.location, entry.category, (entry.ms / Math.max(summary.documents, 1)).toFixed(3), percent(entry.share)]),
      ),
      "",
    );
  }
  return lines;
}

/** The CPU profile summaries as bench/results/profile.md. */
export function renderProfileMarkdown(results: BenchResults): string {
  const lines = [
    "# Where the time goes",
    "",
    `${results.generatedAt}, mode ${results.mode}. Self time: the time a function itself ran, not its callees. Native work (zlib's deflate, regexps, typed-array copies) is charged to the JavaScript function that called it; "V8: (program)" is native time outside any JavaScript frame (compiling, the runtime). Idle time is left out. The machine is shared: read the shares, not the milliseconds.`,
    "",
  ];
  if (results.profile.length > 0) {
    lines.push(
      "## Warm PDF render",
      "",
      `\`node --cpu-prof --cpu-prof-interval=100\` on the warm PDF loop of each language (${results.settings["profileIterations"]} personalized letters after ${results.settings["warmups"]} warm-ups; the render entry bundled as the Lambda is but not minified, so frames keep their function names, and mapped back to their files and lines through its source map; not through tsx, whose \`__name\` calls and export getters are not in the deployed code). Only the samples of the measured loop count. Share of the loop, and in brackets ms per document.`,
      "",
      ...profileTables(results.profile, "per doc"),
    );
  }
  if (results.coldProfile.length > 0) {
    lines.push(
      "## Cold start to the first PDF",
      "",
      "One cold start per language of the bundled render code (`node --cpu-prof --cpu-prof-interval=100 render-entry.js`, minified as deployed), the whole process from start to the first PDF written; frames of the bundle mapped back to their sources through its source map (lines are of the original files). `node: internal/modules/cjs/loader` `wrapSafe` is V8 compiling the bundle. Share of the process, and in brackets ms.",
      "",
      ...profileTables(results.coldProfile, "per process"),
    );
  }
  return lines.join("\n");
}
