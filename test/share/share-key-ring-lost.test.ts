import { type ChildProcess, spawn } from "node:child_process";
import { chmod, copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_KEY_FILE } from "../../functions/share/local-key-file";
import { newRingProblem } from "../../local/runtime";
import { eventually } from "../support/eventually";
import { REPO, SEED_LETTER } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(180_000);

/** Asks `condition` again every 250 ms until it holds (never longer than `limitMs`): the server reads its ring again at most once a second. */
async function eventuallyAsync(condition: () => Promise<boolean>, what: string, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`not seen in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Fresh user s12, item 6: deleting .local/share-keys.json made a new key at the next start, and every
 * link handed out stopped opening without a word; a key ring's problems went only to functions.log.
 * Chosen: with links the lost ring sealed still live, share links are refused (503, said on serve's
 * console) until the file is restored, or until serve is started with --new-share-key, which makes a
 * new ring and says loudly that those links will no longer open. Real embedded S3 over HTTP.
 */
describe("a local key ring file that is gone while links it sealed are live", () => {
  let stack: LocalStack;
  let keyDir: string;
  const said: string[] = [];
  beforeEach(async () => {
    said.length = 0;
    keyDir = await mkdtemp(join(tmpdir(), "letterpress-lost-ring-"));
    stack = await startLocalStack({ keyDir, onShareProblem: (text) => said.push(text) });
  });
  afterEach(async () => {
    await stack.stop();
    await rm(keyDir, { recursive: true, force: true });
  });

  async function share(baseUrl: string): Promise<{ status: number; url?: string }> {
    const reply = await fetch(`${baseUrl}/letters/${SEED_LETTER}/en/html/shares`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return { status: reply.status, ...(reply.status === 201 ? { url: ((await reply.json()) as { url: string }).url } : {}) };
  }

  it("refuses a new ring, says why with the count of live links, and comes back when the file is restored", async () => {
    const first = await stack.listen();
    const made = await share(first.baseUrl);
    expect(made.status).toBe(201);
    await copyFile(join(keyDir, LOCAL_KEY_FILE), join(keyDir, "backup.json"));
    await rm(join(keyDir, LOCAL_KEY_FILE));

    await stack.coldStart();
    const second = await stack.listen();
    expect((await share(second.baseUrl)).status).toBe(503);
    expect((await fetch(made.url!.replace(first.baseUrl, second.baseUrl), { redirect: "manual" })).status).toBe(503);
    await eventually(() => said.some((text) => text.includes("is missing, but 1 share link made with the ring it held")), "the refusal said", 20_000);
    expect(said.find((text) => text.includes("is missing"))).toMatch(
      /^share links are unavailable \(503\) until this is fixed: .*run serve with --new-share-key to start a new ring$/,
    );
    // Said once, not per request.
    await share(second.baseUrl);
    expect(said.filter((text) => text.includes("is missing"))).toHaveLength(1);

    await copyFile(join(keyDir, "backup.json"), join(keyDir, LOCAL_KEY_FILE));
    await chmod(join(keyDir, LOCAL_KEY_FILE), 0o600);
    await eventuallyAsync(async () => (await fetch(made.url!.replace(first.baseUrl, second.baseUrl), { redirect: "manual" })).status === 302, "the old link opens again", 20_000);
    expect(said.at(-1)).toBe("share links work again");
  });

  it("with --new-share-key makes a new ring and says loudly that the live links will no longer open; they then show the expired page", async () => {
    const first = await stack.listen();
    const made = await share(first.baseUrl);
    await rm(join(keyDir, LOCAL_KEY_FILE));

    await stack.coldStart({ newKeyRing: true });
    const second = await stack.listen();
    expect((await share(second.baseUrl)).status).toBe(201);
    expect(said).toEqual([expect.stringMatching(/share-keys\.json was missing: started a new key ring; the 1 share link made with the ring it held .* will no longer open/)]);
    const old = await fetch(made.url!.replace(first.baseUrl, second.baseUrl), { redirect: "manual" });
    expect(old.status).toBe(410);
    expect(await old.text()).toContain("This link has expired");
  });

  it("makes a first ring in silence when no link is live", async () => {
    await rm(join(keyDir, LOCAL_KEY_FILE));
    await stack.coldStart();
    const server = await stack.listen();
    expect((await share(server.baseUrl)).status).toBe(201);
    expect(said).toEqual([]);
  });

  it("says a ring that cannot be read again, once", async () => {
    const server = await stack.listen();
    expect((await share(server.baseUrl)).status).toBe(201);
    await writeFile(join(keyDir, LOCAL_KEY_FILE), "not json", { mode: 0o600 });
    await eventuallyAsync(
      async () => {
        await share(server.baseUrl);
        return said.some((text) => text.startsWith("the key ring could not be read again"));
      },
      "the failed read said",
      20_000,
    );
    expect(said.filter((text) => text.startsWith("the key ring could not be read again"))).toHaveLength(1);
  });
});

describe("newRingProblem", () => {
  it("says nothing when no link is live, refuses by default, warns with --new-share-key; counts by the plural rules", () => {
    expect(newRingProblem("/x/.local/share-keys.json", { count: 0, lastExpiry: undefined }, false)).toEqual({});
    expect(newRingProblem("/x/.local/share-keys.json", { count: 2, lastExpiry: "2026-12-31T00:00:00.000Z" }, false).refusal).toContain(
      "2 share links made with the ring it held (stored in the bucket under shares/, the last expiring 2026-12-31T00:00:00.000Z) are still live",
    );
    expect(newRingProblem("/x/.local/share-keys.json", { count: 1, lastExpiry: "2026-12-31T00:00:00.000Z" }, true).warning).toContain("the 1 share link made");
  });
});

describe("npm run serve", () => {
  let serve: ChildProcess | undefined;
  let localDir: string;
  afterEach(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve?.once("exit", resolve));
      serve.kill("SIGINT");
      await exited;
    }
    await rm(localDir, { recursive: true, force: true });
  });

  it("says a key ring problem on its console, not only in .local/functions.log", async () => {
    localDir = await mkdtemp(join(tmpdir(), "letterpress-serve-ring-"));
    // A ring others may read: refused (anyone who can read the key can make links to every document).
    await writeFile(join(localDir, LOCAL_KEY_FILE), JSON.stringify({ current: "k1", keys: { k1: Buffer.alloc(32, 7).toString("base64") } }), { mode: 0o644 });
    await chmod(join(localDir, LOCAL_KEY_FILE), 0o644);
    let err = "";
    serve = spawn(join(REPO, "node_modules/.bin/tsx"), [join(REPO, "local/cli.ts"), "serve", "--port", "0"], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: "1", LETTERPRESS_LOCAL_DIR: localDir },
    });
    serve.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    await eventually(() => err.includes("warning: share links: share links are unavailable (503) until this is fixed:"), "the console warning", 120_000);
    expect(err).toContain(`readable by others (mode 644); run chmod 600`);
  });
});
