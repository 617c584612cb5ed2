import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../functions/storage/s3-client";
import { LOCAL_STORE_CONNECTION } from "../../../local/s3/embedded-s3";
import { delay, type FaultProxy, startFaultProxy } from "../../reliability/support/fault-proxy";
import { type Harness, startHarness } from "../../storage/embedded-s3-harness";

/**
 * Why the local store's client has its own settings: the SDK counts the time a request waits for a
 * free socket as connection time, so a burst queued behind the agent's sockets failed as "could not
 * connect" (a 503 from `npm run serve`) although the server was only busy.
 */

jest.setTimeout(120_000);

let h: Harness;
let proxy: FaultProxy;
beforeEach(async () => {
  h = await startHarness();
  proxy = await startFaultProxy(h.s3.endpoint);
  await h.client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: "doc.pdf", Body: Buffer.from("x") }));
  // Every answer takes at least 200 ms: 20 requests over 2 sockets keep the last one waiting 1.8 s or more.
  proxy.schedule({ fault: delay(200) });
});
afterEach(async () => {
  await proxy.stop();
  await h.stop();
});

async function burst(options: { connectionTimeoutMs?: number }) {
  const client = createS3Client({ ...h.s3.connection, endpoint: proxy.endpoint, maxSockets: 2, maxAttempts: 1, ...options });
  try {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: "doc.pdf" }))));
    return results.map((result) => (result.status === "fulfilled" ? "ok" : (result.reason as Error).name));
  } finally {
    client.destroy();
  }
}

describe("the S3 client for the local store", () => {
  it("lets a burst queue for sockets: every request answered", async () => {
    expect(await burst({ connectionTimeoutMs: LOCAL_STORE_CONNECTION.connectionTimeoutMs })).toEqual(Array(20).fill("ok"));
  });

  it("(the failure it prevents) with a short connection timeout the queued requests fail as timeouts", async () => {
    const outcomes = await burst({ connectionTimeoutMs: 1_000 });
    expect(outcomes.filter((outcome) => outcome === "TimeoutError").length).toBeGreaterThan(0);
  });
});
