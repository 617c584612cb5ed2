import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfig } from "../../../functions/config";
import { fromEnvironment } from "../../../functions/render/render-environment";
import { createRenderHandler } from "../../../functions/render/render-handler";
import type { RenderReply } from "../../../functions/render/render-reply";
import { RENDER_NODE_OPTIONS } from "../../../functions/render/node-options";
import { PREPARED_TEMPLATES_FILE } from "../../../functions/render/prepared-file";
import { armNodeRunner, bundleRenderSnapshot, RENDER_SNAPSHOT } from "../../../infra/bundling/snapshot/render-snapshot-bundle";
import { bundleAssetCopies } from "../../../infra/constructs/letter-function";
import { type Harness, startHarness } from "../../storage/embedded-s3-harness";
import { flatFontDir, lambdaEnvironment, QUIET_LOGGER, uploadLetterData } from "../../support/lambda-env";
import { SEED_LETTER } from "../../support/letters";
import { RuntimeApiServer } from "./runtime-api-server";

/**
 * The render function's custom runtime, end to end on this machine: the snapshot built by
 * bundleRenderSnapshot as infra builds it, with this machine's node and, where it is installed, with
 * the arm64 node the Lambda bundle ships (under qemu-user-static, as infra builds the deployed blob),
 * a node process started from it against a real HTTP server speaking the Runtime API, storing in the
 * embedded S3 server: an event in, the handler's reply out, bad events reported as the API wants.
 */
/** How the snapshot is built and its process started: this machine's node, or the shipped arm64 node under qemu-user-static. */
interface Runner {
  name: string;
  node: string;
  emulate: boolean;
}

const hostNode: Runner = { name: "this machine's node", node: process.execPath, emulate: false };

/** The arm64 node the Lambda bundle ships, when it is installed here and qemu can run it (not in a plain checkout: see infra/bundling/snapshot/). */
function armNode(): Runner | undefined {
  try {
    return { name: `the shipped arm64 node (${RENDER_SNAPSHOT.armNode}) under qemu-user-static`, node: RENDER_SNAPSHOT.armNode, ...armNodeRunner() };
  } catch {
    return undefined;
  }
}

function command(runner: Runner, args: string[]): [string, string[]] {
  return runner.emulate ? [RENDER_SNAPSHOT.emulator.command, ["-L", RENDER_SNAPSHOT.emulator.libraries, runner.node, ...args]] : [runner.node, args];
}

const arm = armNode();
const runners = arm ? [hostNode, arm] : [hostNode];

describe.each(runners)("the render function started from its V8 startup snapshot, with $name", (runner) => {
  let bundleDir: string;
  let harness: Harness;
  let fonts: Awaited<ReturnType<typeof flatFontDir>>;
  let api: RuntimeApiServer;
  let child: ChildProcess | undefined;
  let stderr = "";
  const event = { letterId: SEED_LETTER, locales: ["en"], formats: ["pdf", "html"] };

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), "letterpress-render-snapshot-"));
    bundleRenderSnapshot({
      outputDir: bundleDir,
      node: runner.node,
      taskRoot: bundleDir,
      ship: false,
      emulate: runner.emulate,
      assets: bundleAssetCopies({ templates: true, fonts: true }),
    });
    harness = await startHarness();
    fonts = await flatFontDir();
    await uploadLetterData(harness);
    api = new RuntimeApiServer([
      { requestId: "render-1", body: JSON.stringify(event) },
      { requestId: "invalid-1", body: JSON.stringify({ letterId: "../etc/passwd" }) },
      { requestId: "render-2", body: JSON.stringify(event) },
    ]);
    const address = await api.start();
    const environment = lambdaEnvironment(harness, fonts.dir);
    // The runtime's own environment, as Lambda sets it; no TEMPLATES_DIR or FONTS_DIR: the snapshot has its own.
    delete environment["TEMPLATES_DIR"];
    delete environment["FONTS_DIR"];
    const [program, args] = command(runner, ["--snapshot-blob", join(bundleDir, "render.blob")]);
    child = spawn(program, args, {
      cwd: bundleDir,
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        ...environment,
        AWS_LAMBDA_RUNTIME_API: address,
        LAMBDA_TASK_ROOT: bundleDir,
        AWS_ACCESS_KEY_ID: harness.s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: harness.s3.credentials.secretAccessKey,
        NODE_OPTIONS: RENDER_NODE_OPTIONS,
        POWERTOOLS_LOG_LEVEL: "CRITICAL",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    // Until all three invocations are answered (or the process ends, which fails the tests below with its stderr).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (api.posted.length >= 3 || child?.exitCode !== null) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill();
    await api?.stop();
    await harness?.stop();
    await fonts?.remove();
    await rm(bundleDir, { recursive: true, force: true });
  });

  const reply = (requestId: string) => {
    const posted = api.posted.find((post) => post.path.includes(`/invocation/${requestId}/`));
    if (!posted) throw new Error(`no answer to ${requestId}; the runtime's stderr:\n${stderr.slice(-3000)}`);
    return posted;
  };

  it("renders a direct request and posts the handler's reply: the same documents, byte for byte, as the managed runtime's handler", async () => {
    const posted = reply("render-1");
    // The body beside the path: an error posted instead says why.
    expect({ path: posted.path, body: posted.path.endsWith("/error") ? posted.body : "" }).toEqual({ path: "/2018-06-01/runtime/invocation/render-1/response", body: "" });
    const fromSnapshot = JSON.parse(posted.body) as RenderReply;
    expect(fromSnapshot.failures).toEqual([]);
    expect(fromSnapshot.documents.map((document) => [document.locale, document.format])).toEqual([
      ["en", "pdf"],
      ["en", "html"],
    ]);
    // The managed runtime's wiring (handler.ts's factory calls) over the same bucket finds both stored: same keys, same SHA-256.
    const managed = createRenderHandler({ ...fromEnvironment(readConfig(lambdaEnvironment(harness, fonts.dir)), { credentials: harness.s3.credentials }), logger: QUIET_LOGGER });
    const fromBundle = (await managed(event)) as RenderReply;
    expect(fromBundle.documents).toEqual(fromSnapshot.documents);
    expect(fromBundle.created).toBe(0);
    const stored = await harness.store().getManifest(SEED_LETTER, fromSnapshot.revision);
    for (const document of fromSnapshot.documents) expect(stored?.documents).toContainEqual(document);
  });

  it("was built with the templates precompiled beside its entry, as the managed runtime's bundle has them", () => {
    // Read into the snapshot at build time (preparedBesideCode): the restored process compiles no template.
    expect(existsSync(join(bundleDir, PREPARED_TEMPLATES_FILE))).toBe(true);
  });

  it("reports an invalid event as that invocation's error, with the handler's message, and goes on to the next", () => {
    const posted = reply("invalid-1");
    expect(posted.path).toBe("/2018-06-01/runtime/invocation/invalid-1/error");
    const error = JSON.parse(posted.body) as { errorType: string; errorMessage: string };
    // The error's name, as the managed runtime reports it (the bundle is minified: a class name is short).
    expect(posted.headers["lambda-runtime-function-error-type"]).toBe(error.errorType);
    expect(error.errorMessage).toMatch(/^invalid render event: letterId: expected an id of lowercase letters/);
    const next = reply("render-2");
    expect(next.path).toBe("/2018-06-01/runtime/invocation/render-2/response");
    expect((JSON.parse(next.body) as RenderReply).unchanged).toBe(2);
  });
});
