import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

/** Requests a person gets wrong, answered through `serve` (the download function's handler, the embedded S3 over HTTP). */
describe("serve words a wrong request plainly", () => {
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    stack = await startLocalStack();
    running = await stack.listen();
  });
  afterAll(async () => {
    await running.close();
    await stack.stop();
  });

  const get = (path: string, init: RequestInit = {}) => fetch(`${running.baseUrl}${path}`, { redirect: "manual", ...init });
  const post = (path: string, body: string) => get(path, { method: "POST", headers: { "content-type": "application/json" }, body });
  const errorOf = async (reply: Response) => ((await reply.json()) as { error: { code: string; message: string } }).error;

  it.each(["nonexistent", "water-appeal-2", `${SEED_LETTER}-x`])("answers the shares of a letter it does not know (%s) 404, naming it", async (letter) => {
    const reply = await get(`/letters/${letter}/shares`);
    expect(reply.status).toBe(404);
    expect(await errorOf(reply)).toEqual({ code: "UNKNOWN_LETTER", message: `no letter "${letter}" has documents or shares here; GET / lists the letters` });
  });

  it("still lists the shares of a letter it knows (none yet is an empty list)", async () => {
    await get(`/letters/${SEED_LETTER}/en/html`);
    const reply = await get(`/letters/${SEED_LETTER}/shares`);
    expect(reply.status).toBe(200);
  });

  it.each([
    ["recipient=fr&recipient=us", ["recipient"]],
    ["expires=60&expires=120", ["expires"]],
    ["recipient=fr&expires=60&recipient=fr&expires=60", ["recipient", "expires"]],
  ])("refuses a download whose query names a parameter twice (%s) with a 400 naming it", async (query, names) => {
    const reply = await get(`/letters/${SEED_LETTER}/en/pdf?${query}`);
    expect(reply.status).toBe(400);
    expect((await errorOf(reply)).message).toBe(names.map((name) => `query ${name}: given more than once; expected one value`).join("; "));
  });

  it.each([
    ["[]", "an array"],
    ["null", "null"],
    ['"fr"', "a string"],
    ["7", "a number"],
    ["true", "true"],
  ])("refuses a share body of %s saying the shape expected and what came", async (body, kind) => {
    const reply = await post(`/letters/${SEED_LETTER}/en/pdf/shares`, body);
    expect(reply.status).toBe(400);
    expect((await errorOf(reply)).message).toBe(`body: expected a JSON object {"recipient"?, "lifetimeSeconds"?, "follow"?} (or no body), got ${kind}`);
  });

  it.each([['{"recipient":"fr","recipient":"us"}'], ['{"lifetimeSeconds":600,"lifetimeSeconds":259200}'], ['{"follow":"latest","lifetimeSeconds":600,"follow":"pinned"}']])(
    "refuses a share body that writes a key twice (%s): JSON would keep the last in silence",
    async (body) => {
      const reply = await post(`/letters/${SEED_LETTER}/en/pdf/shares`, body);
      expect(reply.status).toBe(400);
      expect((await errorOf(reply)).message).toBe(`body: a key is written twice; expected each of {"recipient"?, "lifetimeSeconds"?, "follow"?} at most once`);
    },
  );

  it("names both formats when the format is not one (a capitalized PDF)", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/en/PDF`);
    expect(reply.status).toBe(400);
    expect((await errorOf(reply)).message).toContain("expected a format: pdf or html (lowercase)");
  });

  it.each([
    [{ lifetimeSeconds: 90 * 86_400 + 1 }, "body lifetimeSeconds: expected whole seconds from 60 to 7776000 (90 days), got 7776001"],
    [{ lifetimeSeconds: 59 }, "body lifetimeSeconds: expected whole seconds from 60 to 7776000 (90 days), got 59"],
    [{ lifetimeSeconds: "a day" }, "body lifetimeSeconds: expected a whole number of seconds"],
  ])("words every lifetime error the same way: %j", async (body, message) => {
    const reply = await post(`/letters/${SEED_LETTER}/en/pdf/shares`, JSON.stringify(body));
    expect(reply.status).toBe(400);
    expect((await errorOf(reply)).message).toBe(message);
  });
});
