import { App, Duration, Stack } from "aws-cdk-lib";
import { parseInfraConfig } from "../../infra/config";
import { join } from "node:path";
import { bundleAssetCopies, LetterFunction } from "../../infra/constructs/letter-function";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";
import { BOOTSTRAP, RENDER_SNAPSHOT, renderSnapshotAssetHash } from "../../infra/bundling/snapshot/render-snapshot-bundle";
import { logicalId, roleStatements, STUB_BOOTSTRAP_CODE, STUB_CODE, synthStack } from "./synth-stack";

describe("the render function's runtime option (context renderRuntime)", () => {
  const managed = synthStack();
  const snapshot = synthStack({ renderRuntime: "snapshot" }, { code: STUB_BOOTSTRAP_CODE });
  const properties = (synth: ReturnType<typeof synthStack>, which: "render" | "download") =>
    synth.template.toJSON().Resources[logicalId(synth.stack, which === "render" ? synth.stack.render.renderer.function : synth.stack.download.downloader.function)].Properties;

  it("is the managed Node.js 22 runtime unless asked", () => {
    expect(parseInfraConfig({}).renderRuntime).toBe("managed");
    expect(properties(managed, "render")).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"] });
  });

  it("runs the render function on provided.al2023, arm64, started by bootstrap, with the same NODE_OPTIONS the snapshot is built with", () => {
    const render = properties(snapshot, "render");
    expect(render).toMatchObject({ Runtime: "provided.al2023", Architectures: ["arm64"], Handler: "bootstrap", TracingConfig: { Mode: "Active" }, MemorySize: 1024, Timeout: 60 });
    expect(render.Environment.Variables.NODE_OPTIONS).toBe(RENDER_NODE_OPTIONS);
    // Everything else the function is given is the managed one's: environment, sizing, log group.
    expect(Object.keys(render.Environment.Variables).sort()).toEqual(Object.keys(properties(managed, "render").Environment.Variables).sort());
    expect(render.ReservedConcurrentExecutions).toBe(properties(managed, "render").ReservedConcurrentExecutions);
  });

  it("grants the custom runtime exactly what the managed render function gets, and leaves the download function as it is", () => {
    const statements = (synth: ReturnType<typeof synthStack>) => JSON.stringify(roleStatements(synth.template, logicalId(synth.stack, synth.stack.render.renderer.function)));
    expect(statements(snapshot)).toBe(statements(managed));
    expect(properties(snapshot, "download")).toMatchObject({ Runtime: "nodejs22.x", Handler: "index.handler" });
    expect(properties(managed, "download")).toMatchObject({ Runtime: "nodejs22.x", Handler: "index.handler" });
  });

  it("refuses another runtime name, naming the context key and the choices", () => {
    expect(() => parseInfraConfig({ renderRuntime: "docker" })).toThrow(/context key "renderRuntime": expected one of "managed", "snapshot" \(got "docker"\)/);
  });

  it("is the render function's only: another entry on the snapshot runtime is refused", () => {
    const stack = new Stack(new App(), "Other");
    const make = () =>
      new LetterFunction(stack, "Download", {
        entry: "functions/download/handler.ts",
        description: "not the render function",
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: {},
        assets: { templates: true, fonts: true },
        runtime: "snapshot",
        codeOverride: STUB_CODE,
      });
    expect(make).toThrow(/runtime "snapshot" runs the render function only \(functions\/render\/handler\.ts\), not functions\/download\/handler\.ts/);
  });

  it("names the custom runtime's asset by its inputs: the same inputs give the same hash, another run-time file another", () => {
    const assets = bundleAssetCopies({ templates: true, fonts: false });
    const first = renderSnapshotAssetHash(assets);
    expect(renderSnapshotAssetHash(assets)).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(renderSnapshotAssetHash([...assets, { from: join(__dirname, "render-runtime.test.ts"), to: "extra.ts" }])).not.toBe(first);
  });

  it("starts node from the blob in the task root, with nothing but the function's own environment", () => {
    expect(BOOTSTRAP).toMatch(/^#!\/bin\/sh\n/);
    expect(BOOTSTRAP).toContain(`cd "$LAMBDA_TASK_ROOT" || exit 1`);
    expect(BOOTSTRAP).toContain(`exec "$LAMBDA_TASK_ROOT/${RENDER_SNAPSHOT.nodeFile}" --snapshot-blob "$LAMBDA_TASK_ROOT/${RENDER_SNAPSHOT.blobFile}"`);
    expect(RENDER_SNAPSHOT.taskRoot).toBe("/var/task");
  });
});
