import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createLocalServer, listenLocalServer } from "../../local/server";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { SEED_LETTER } from "../support/letters";

jest.setTimeout(120_000);

const REPO = path.join(__dirname, "../..");

describe("the local server's failures, said plainly", () => {
  let stack: LocalStack;
  let server: Server;
  const logged: string[] = [];
  const handlerErrors: { message: string; attributes: unknown }[] = [];
  const logger = { info: () => {}, warn: () => {}, error: (message: string, attributes?: unknown) => handlerErrors.push({ message, attributes }) };
  beforeAll(async () => {
    stack = await startLocalStack({ logger });
    server = createLocalServer(stack.runtime, (line) => logged.push(line));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await stack.stop();
  });

  it("logs every 5xx in one line without the query, and the download handler logs its cause", async () => {
    const port = await listenLocalServer(server, 0);
    await stack.harness.s3.stop();

    const reply = await fetch(`http://127.0.0.1:${port}/letters/${SEED_LETTER}/en/pdf?expires=60`, { redirect: "manual" });

    expect(reply.status).toBe(503);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(new RegExp(`^\\S+Z 503 GET /letters/${SEED_LETTER}/en/pdf: .*STORAGE_ERROR`));
    // Where the cause is (fresh user 8a: "see the download handler's log line" named no place).
    expect(logged[0]).toMatch(/STORAGE_ERROR; its cause is in the functions' log$/);
    expect(handlerErrors).toEqual([{ message: "download failed", attributes: { code: "STORAGE_ERROR", reason: expect.stringMatching(/.{10,}/) } }]);
    expect(logged[0]).not.toContain("expires=");
    expect(logged[0]).not.toContain("\n");
  });

  it("refuses a port in use with a CONFIG_ERROR naming it", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      await expect(listenLocalServer(createServer(), port)).rejects.toMatchObject({
        code: "CONFIG_ERROR",
        message: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`),
      });
    } finally {
      busy.close();
    }
  });

  it("`serve` on a port in use exits 2 with one line on stderr, no stack", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const run = spawnSync(process.execPath, ["--import", "tsx", "local/cli.ts", "serve", "--port", String(port)], { cwd: REPO, encoding: "utf8", timeout: 90_000 });
      const errorLines = run.stderr
        .split("\n")
        .filter(
          (line) =>
            line.trim() !== "" &&
            !/NodeVersionSupportWarning|node >=22|upgrade to node|a\.co\/|trace-warnings|versions published|To continue receiving|security updates/.test(line),
        );
      expect({ status: run.status, errorLines }).toEqual({
        status: 2,
        errorLines: [`CONFIG_ERROR: port ${port} on 127.0.0.1 is already in use; stop what is using it or choose another with --port`],
      });
    } finally {
      busy.close();
    }
  });
});
