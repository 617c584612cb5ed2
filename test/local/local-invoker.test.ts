import { LetterpressError } from "../../functions/core/errors";
import type { InvokeReply } from "../../functions/download/render-invoker";
import { localInvoker } from "../../local/local-invoker";

/** The local invoker has Lambda's synchronous Invoke semantics; these are the ones the download function relies on. */
const json = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");
const body = (reply: InvokeReply) => JSON.parse(Buffer.from(reply.payload).toString("utf8")) as unknown;

describe("the local invoker (Lambda's invoke semantics, in process)", () => {
  it("hands the handler the payload parsed from JSON, and returns its result as JSON: only what survives JSON arrives", async () => {
    const seen: unknown[] = [];
    const invoke = localInvoker(
      async (event) => {
        seen.push(event);
        return { at: new Date(Date.UTC(2026, 0, 2)), missing: undefined, count: 3, set: new Set([1]) };
      },
      { timeoutSeconds: 5 },
    );
    const reply = await invoke(json({ letterId: "a-letter", locales: ["fr"] }));
    expect(seen).toEqual([{ letterId: "a-letter", locales: ["fr"] }]);
    expect(reply.functionError).toBeUndefined();
    expect(body(reply)).toEqual({ at: "2026-01-02T00:00:00.000Z", count: 3, set: {} });
  });

  it("answers `null` for a handler that returns nothing", async () => {
    const reply = await localInvoker(async () => undefined, { timeoutSeconds: 5 })(json({}));
    expect(Buffer.from(reply.payload).toString("utf8")).toBe("null");
  });

  it("reports an error the handler throws as FunctionError Unhandled with its name as errorType and its message", async () => {
    const invoke = localInvoker(
      async () => {
        throw Object.assign(new Error('no letter "x"'), { name: "UNKNOWN_LETTER" });
      },
      { timeoutSeconds: 5 },
    );
    const reply = await invoke(json({ letterId: "x" }));
    expect(reply.functionError).toBe("Unhandled");
    expect(body(reply)).toMatchObject({ errorType: "UNKNOWN_LETTER", errorMessage: 'no letter "x"' });
    expect((body(reply) as { trace: unknown[] }).trace.length).toBeGreaterThan(0);
  });

  it("reports a class's name as errorType when the handler throws one of ours unrenamed, and Error for a thrown string", async () => {
    const ours = await localInvoker(async () => Promise.reject(new LetterpressError("RENDER_ERROR", "the typesetter broke")), { timeoutSeconds: 5 })(json({}));
    expect(body(ours)).toMatchObject({ errorType: "LetterpressError", errorMessage: "the typesetter broke" });
    const thrownString = await localInvoker(async () => Promise.reject("plain text"), { timeoutSeconds: 5 })(json({}));
    expect(thrownString.functionError).toBe("Unhandled");
    expect(body(thrownString)).toMatchObject({ errorType: "Error", errorMessage: "plain text" });
  });

  it("reports a result that cannot be serialized as Lambda does (Runtime.MarshalError), not as a success", async () => {
    const reply = await localInvoker(async () => ({ size: 10n }), { timeoutSeconds: 5 })(json({}));
    expect(reply.functionError).toBe("Unhandled");
    expect(body(reply)).toMatchObject({ errorType: "Runtime.MarshalError" });
  });

  it("refuses a payload that is not JSON before the handler runs, as Lambda's API does", async () => {
    const handler = jest.fn(async () => ({}));
    await expect(localInvoker(handler, { timeoutSeconds: 5 })(Buffer.from("{letterId:", "utf8"))).rejects.toMatchObject({ name: "InvalidRequestContentException" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("answers Lambda's timeout error when the handler has not finished within the time limit, and drops its late result", async () => {
    let finish: (value: unknown) => void = () => {};
    const handler = () => new Promise((resolve) => (finish = resolve));
    const reply = await localInvoker(handler, { timeoutSeconds: 0.05 })(json({}));
    expect(reply.functionError).toBe("Unhandled");
    expect(body(reply)).toMatchObject({ errorType: "Sandbox.Timedout", errorMessage: expect.stringMatching(/^Task timed out after \d+\.\d\d seconds$/) });
    // The handler finishing afterwards changes nothing that was answered.
    finish({ late: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(body(reply)).toMatchObject({ errorType: "Sandbox.Timedout" });
  });

  it("gives each invocation its own time limit: a quick handler after a slow one is answered normally", async () => {
    let calls = 0;
    const invoke = localInvoker(() => (++calls === 1 ? new Promise(() => {}) : Promise.resolve({ ok: calls })), { timeoutSeconds: 0.05 });
    expect((await invoke(json({}))).functionError).toBe("Unhandled");
    const second = await invoke(json({}));
    expect(second.functionError).toBeUndefined();
    expect(body(second)).toEqual({ ok: 2 });
  });

  it("with sandboxes, runs that many invocations at once and lets the others in one by one as they finish", async () => {
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const invoke = localInvoker(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return "done";
      },
      { timeoutSeconds: 30, sandboxes: 2 },
    );
    const replies = Array.from({ length: 5 }, () => invoke(json({})));
    // Release the running ones one by one; each release lets exactly one waiting invocation in.
    for (let released = 0; released < 5; released++) {
      while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()!();
    }
    const bodies = (await Promise.all(replies)).map(body);
    expect(bodies).toEqual(["done", "done", "done", "done", "done"]);
    expect(most).toBe(2);
  });

  it("with sandboxes, starts an invocation's time limit when it runs, not while it waits for a sandbox", async () => {
    const releases: (() => void)[] = [];
    const invoke = localInvoker(() => new Promise<string>((resolve) => releases.push(() => resolve("done"))), { timeoutSeconds: 2, sandboxes: 1 });
    // The first never finishes: it holds the one sandbox for its whole time limit, and the second waits that long.
    const first = invoke(json({}));
    const second = invoke(json({}));
    expect((body(await first) as { errorType: string }).errorType).toBe("Sandbox.Timedout");
    while (releases.length < 2) await new Promise((resolve) => setImmediate(resolve));
    releases[1]!();
    expect(body(await second)).toBe("done");
  });

  it("refuses a number of sandboxes that is not a whole number of at least 1", () => {
    expect(() => localInvoker(async () => undefined, { timeoutSeconds: 5, sandboxes: 0 })).toThrow("sandboxes must be a whole number of at least 1, got 0");
  });
});
