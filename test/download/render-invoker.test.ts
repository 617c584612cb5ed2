import type { LambdaClient } from "@aws-sdk/client-lambda";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import type { DocumentRequest } from "../../functions/core/documents";
import { type InvokeReply, lambdaRenderInvoker, type RenderInvoker, renderThrough } from "../../functions/download/render-invoker";
import type { RenderReply } from "../../functions/render/render-reply";

/**
 * How the download function reads the render function's reply. The invokers here are scripted: each
 * returns what a Lambda invoke can return (the real render handler behind the local invoker is
 * exercised end to end in test/local/server.test.ts).
 */
const REQUEST: DocumentRequest = { letterId: "unsc-dprk-2015", locale: "fr", format: "pdf", recipientId: "fr" };
const DOCUMENT = {
  key: "letters/unsc-dprk-2015/0123456789ab/fr/fr/letter.pdf",
  size: 1234,
  sha256: "a".repeat(64),
  locale: "fr",
  format: "pdf",
  recipientId: "fr",
  contentType: "application/pdf",
} as const;
const REPLY: RenderReply = { letterId: "unsc-dprk-2015", revision: "0123456789ab", created: 1, unchanged: 0, failures: [], documents: [DOCUMENT] };

const answering =
  (reply: InvokeReply): RenderInvoker =>
  async () =>
    reply;
const payload = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8");
const functionError = (value: unknown): InvokeReply => ({ functionError: "Unhandled", payload: payload(value) });

describe("renderThrough: a document made on demand by the render function", () => {
  it("sends the render function a direct event for exactly the one document", async () => {
    const sent: unknown[] = [];
    const render = renderThrough(async (bytes) => {
      sent.push(JSON.parse(Buffer.from(bytes).toString("utf8")));
      return { payload: payload(REPLY) };
    });
    await expect(render(REQUEST)).resolves.toEqual(DOCUMENT);
    expect(sent).toEqual([{ letterId: "unsc-dprk-2015", locales: ["fr"], formats: ["pdf"], recipients: ["fr"] }]);
  });

  it("takes the document from the reply, not from a second manifest read, and insists it is the one asked for", async () => {
    const other = { ...DOCUMENT, key: DOCUMENT.key.replace("/fr/fr/", "/fr/"), recipientId: null };
    await expect(renderThrough(answering({ payload: payload({ ...REPLY, documents: [other] }) }))(REQUEST)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each([
    ["a reply missing its documents", { ...REPLY, documents: undefined }, /documents/],
    ["a revision that is not hex", { ...REPLY, revision: "../../x" }, /revision/],
    ["a document whose digest is not SHA-256", { ...REPLY, documents: [{ ...DOCUMENT, sha256: "abc" }] }, /sha256/],
    ["a count that is a string", { ...REPLY, created: "1" }, /created/],
    ["null", null, /expected object/],
  ])("refuses %s as a RENDER_ERROR naming the field, instead of trusting it", async (_what, reply, field) => {
    const error = await renderThrough(answering({ payload: payload(reply) }))(REQUEST).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RENDER_ERROR", message: expect.stringContaining("does not match its schema") });
    expect((error as Error).message).toMatch(field);
  });

  it("refuses a payload that is not JSON", async () => {
    await expect(renderThrough(answering({ payload: payload("<html>") }))(REQUEST)).rejects.toMatchObject({ code: "RENDER_ERROR", message: expect.stringContaining("not JSON") });
  });

  it.each([
    ["STALE_TRANSLATION", "fr.json: translationOf.sourceSha256: the translation was made from source revision abc"],
    ["INVALID_DATA", "unsc-dprk-2015/letter.json: date: expected a date"],
    ["NOT_FOUND", 'letter "unsc-dprk-2015" has no recipient "zz"'],
    ["STORAGE_ERROR", "storage unavailable during put of letters/x"],
  ])("passes on a function error named by our code %s with its message", async (code, message) => {
    await expect(renderThrough(answering(functionError({ errorType: code, errorMessage: message })))(REQUEST)).rejects.toMatchObject({ code, message });
  });

  it("re-words an unknown letter from the request: the render function's message may say where it looked", async () => {
    const reply = functionError({ errorType: "UNKNOWN_LETTER", errorMessage: 'no letter "unsc-dprk-2015" in /srv/letterpress/data' });
    await expect(renderThrough(answering(reply))(REQUEST)).rejects.toMatchObject({ code: "UNKNOWN_LETTER", message: 'no letter "unsc-dprk-2015"' });
  });

  it.each([
    ["Lambda's timeout", { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 60.01 seconds" }, /Sandbox\.Timedout/],
    ["an error class that is not one of our codes", { errorType: "TypeError", errorMessage: "x is undefined" }, /TypeError/],
    ["an out-of-memory exit without a type", { errorMessage: "Runtime exited with error: signal: killed" }, /killed/],
  ])("makes %s a RENDER_ERROR (a 500, logged with the reason)", async (_what, reply, reason) => {
    await expect(renderThrough(answering(functionError(reply)))(REQUEST)).rejects.toMatchObject({ code: "RENDER_ERROR", message: expect.stringMatching(reason) });
  });

  it("makes an unreadable function error a RENDER_ERROR", async () => {
    await expect(renderThrough(answering(functionError({ unexpected: true })))(REQUEST)).rejects.toMatchObject({
      code: "RENDER_ERROR",
      message: expect.stringContaining("unreadable"),
    });
  });

  it("passes on the first failure the render report lists, with its code", async () => {
    const failed = { ...REPLY, documents: [], failures: [{ locale: "fr", format: "pdf", recipientId: "fr", code: "STALE_TRANSLATION", reason: "fr.json is stale" }] };
    await expect(renderThrough(answering({ payload: payload(failed) }))(REQUEST)).rejects.toMatchObject({ code: "STALE_TRANSLATION", message: "fr.json is stale" });
  });
});

describe("lambdaRenderInvoker: the render function through the Lambda API (SDK replies scripted)", () => {
  const client = (send: (command: InvokeCommand) => Promise<unknown>) => ({ send }) as unknown as LambdaClient;

  it("invokes the named function with the payload and returns its bytes and FunctionError", async () => {
    const commands: InvokeCommand[] = [];
    const invoke = lambdaRenderInvoker(
      client(async (command) => {
        commands.push(command);
        return { StatusCode: 200, FunctionError: "Unhandled", Payload: payload({ errorType: "UNKNOWN_LETTER", errorMessage: "no letter" }) };
      }),
      "letterpress-render",
    );
    const reply = await invoke(payload({ letterId: "x" }));
    expect(commands[0]).toBeInstanceOf(InvokeCommand);
    expect(commands[0]!.input.FunctionName).toBe("letterpress-render");
    expect(reply.functionError).toBe("Unhandled");
  });

  it.each([
    ["TooManyRequestsException", "RENDER_ERROR"],
    ["ServiceException", "RENDER_ERROR"],
    ["AccessDeniedException", "CONFIG_ERROR"],
    ["ResourceNotFoundException", "CONFIG_ERROR"],
  ])("turns the SDK's %s into our %s, keeping the SDK's error as the cause only", async (name, code) => {
    const sdkError = Object.assign(new Error("User: arn:aws:sts::111122223333:assumed-role/x is not authorized"), { name });
    const error = await lambdaRenderInvoker(
      client(async () => Promise.reject(sdkError)),
      "letterpress-render",
    )(payload({})).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code, cause: sdkError });
    expect((error as Error).message).not.toContain("arn:aws");
  });
});
