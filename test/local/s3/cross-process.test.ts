import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, readlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { LocaleId } from "../../../functions/core/locales";
import { S3DocumentStore } from "../../../functions/storage/s3-document-store";
import { ObjectStore } from "../../../local/s3/object-store";
import { renderedDocument, REVISION } from "../../storage/embedded-s3-harness";
import { type ChildServer, startChildServer, tempDir } from "./s3-target";

/**
 * Two processes serving one data folder, as `npm run serve` and `npm run generate` do on `.local/s3`:
 * each is an embedded server in a child process of its own, and the test drives both at once.
 * The assertions are S3's: a conditional write is atomic, whichever server took it.
 */

jest.setTimeout(180_000);

let shared: Awaited<ReturnType<typeof tempDir>>;
let servers: ChildServer[];
beforeEach(async () => {
  shared = await tempDir();
  servers = await Promise.all([startChildServer(shared.dir), startChildServer(shared.dir)]);
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await shared.remove();
});

const md5Hex = (bytes: Buffer | string) => createHash("md5").update(bytes).digest("hex");
const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

async function put(client: S3Client, bucket: string, key: string, body: string | Buffer, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) {
  return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === "string" ? Buffer.from(body) : body, ...condition }));
}

describe("two server processes on one data folder", () => {
  it("lose no update when both run read-merge-write with If-Match on one key", async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const key = "letters/x/rev/manifest.json";
    await put(a.client, a.bucket, key, "[]", { IfNoneMatch: "*" });
    const writer = async (server: ChildServer, name: string) => {
      let written = 0;
      let refused = 0;
      for (let round = 0; round < 15; round++) {
        for (;;) {
          const current = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
          const entries = JSON.parse(await current.Body!.transformToString()) as string[];
          try {
            await put(server.client, server.bucket, key, JSON.stringify([...entries, `${name}${round}`]), { IfMatch: current.ETag! });
            written++;
            break;
          } catch (error) {
            if (statusOf(error) !== 412) throw error;
            refused++;
          }
        }
      }
      return { written, refused };
    };

    const results = await Promise.all([writer(a, "a"), writer(a, "a"), writer(b, "b"), writer(b, "b")]);

    const final = await b.client.send(new GetObjectCommand({ Bucket: b.bucket, Key: key }));
    const text = await final.Body!.transformToString();
    const entries = JSON.parse(text) as string[];
    expect(results.map((r) => r.written)).toEqual([15, 15, 15, 15]);
    // Every acknowledged write is in the final version: 60 entries (each name twice per round).
    expect(entries).toHaveLength(60);
    expect(final.ETag).toBe(`"${md5Hex(text)}"`);
    // The race was real: some writes were refused and retried.
    expect(results.reduce((sum, r) => sum + r.refused, 0)).toBeGreaterThan(0);
  });

  it("let exactly one If-None-Match: * writer create each new key, whichever process it reached", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `new/${i}.pdf`);
    const outcomes = await Promise.all(
      keys.map(async (key) => {
        const attempts = await Promise.allSettled(
          servers.flatMap((server, s) => [0, 1, 2].map((w) => put(server.client, server.bucket, key, `server ${s} writer ${w}`, { IfNoneMatch: "*" }))),
        );
        const winners = attempts.flatMap((attempt, i) => (attempt.status === "fulfilled" ? [i] : []));
        const stored = await (await servers[1]!.client.send(new GetObjectCommand({ Bucket: servers[1]!.bucket, Key: key }))).Body!.transformToString();
        const losers = attempts.flatMap((attempt) => (attempt.status === "rejected" ? [statusOf(attempt.reason)] : []));
        return {
          winners: winners.length,
          losers: [...new Set(losers)],
          storedIsWinner: winners.length === 1 && stored === `server ${Math.floor(winners[0]! / 3)} writer ${winners[0]! % 3}`,
        };
      }),
    );
    expect(outcomes).toEqual(keys.map(() => ({ winners: 1, losers: [412], storedIsWinner: true })));
  });
});

describe("two publishers in two processes (serve and generate on one .local/s3)", () => {
  it("list every document each of them published in the one manifest of their revision", async () => {
    const stores = servers.map((server) => new S3DocumentStore({ client: server.client, bucket: server.bucket, maxPresignExpirySeconds: 3_600 }));
    const locales: LocaleId[] = ["en", "fr", "es", "ru", "zh", "ar", "ko"];
    const documents = locales.flatMap((locale) =>
      (["pdf", "html"] as const).flatMap((format) => ["un", "gb", "fr"].map((recipient) => renderedDocument(locale, format, `${locale} ${recipient}`, recipient))),
    );

    // Each document stored and published on its own, alternately through one process or the other, all at once.
    await Promise.all(
      documents.map(async (document, i) => {
        const store = stores[i % 2]!;
        const { document: stored } = await store.put(document, { revision: REVISION, downloadName: "Letter" });
        await store.publishRevision("unsc-dprk-2015", REVISION, [stored]);
      }),
    );

    const manifest = await stores[0]!.getManifest("unsc-dprk-2015", REVISION);
    expect(manifest?.documents).toHaveLength(documents.length);
  });
});

describe("a server process killed while writing", () => {
  it("leaves each key at one whole version, and a new process on the folder serves it and writes again", async () => {
    const [a] = servers as [ChildServer, ChildServer];
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(2 * 1024 * 1024, i + 1));
    await put(a.client, a.bucket, "big.bin", versions[0]!);
    // Writes in flight when the process dies: each fails or lands whole.
    const inFlight = Promise.allSettled(versions.slice(1).map((bytes) => put(a.client, a.bucket, "big.bin", bytes)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.stopHard();
    await inFlight;

    const fresh = await startChildServer(shared.dir);
    servers.push(fresh);
    const reply = await fresh.client.send(new GetObjectCommand({ Bucket: fresh.bucket, Key: "big.bin" }));
    const bytes = Buffer.from(await reply.Body!.transformToByteArray());
    expect(versions.some((version) => version.equals(bytes))).toBe(true);
    expect(reply.ETag).toBe(`"${md5Hex(bytes)}"`);
    // No lock outlives its process: a conditional write goes through at once.
    await put(fresh.client, fresh.bucket, "big.bin", "after", { IfMatch: reply.ETag! });
  });
});

describe("the key lock", () => {
  it("is broken at once when the process holding it has died", async () => {
    const store = new ObjectStore(shared.dir, servers[0]!.bucket);
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) => dead.once("exit", () => resolve(dead.pid!)));
    const lockFile = store.fileOf("locked/manifest.json").replace(/\.obj$/, ".lock");
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, JSON.stringify({ pid: deadPid, host: hostname(), token: "left-behind" }));

    // A lock goes stale by age only after 60 s, and a writer waits 30 s at most before answering
    // 503 SlowDown: this write succeeds only because the dead holder was recognised.
    await put(servers[0]!.client, servers[0]!.bucket, "locked/manifest.json", "written", { IfNoneMatch: "*" });

    expect((await readdir(path.dirname(lockFile))).filter((name) => name.endsWith(".lock"))).toEqual([]);
  });
});

/** TCP ports a process listens on, from Linux's /proc: its socket inodes matched with the LISTEN rows. */
async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const match = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ""));
    if (match) inodes.add(match[1]!);
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] === "0A" && inodes.has(columns[9] ?? "")) ports.push(parseInt(columns[1]!.split(":")[1]!, 16));
    }
  }
  return ports.sort();
}

(existsSync("/proc/net/tcp") ? describe : describe.skip)("the server process's ports", () => {
  it("is one: the port that verifies signatures (no unsigned port beside it)", async () => {
    for (const server of servers) {
      expect(await listeningPorts(server.pid)).toEqual([Number(new URL(server.endpoint).port)]);
      const unsigned = await fetch(`${server.endpoint}/${server.bucket}?list-type=2`);
      expect(unsigned.status).toBe(403);
    }
  });
});
