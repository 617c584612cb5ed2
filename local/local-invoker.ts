import type { InvokeReply, RenderInvoker } from "../functions/download/render-invoker";

export interface LocalInvokerOptions {
  /** The function's time limit, as its Lambda has it; the reply is a timeout error after it. */
  timeoutSeconds: number;
  /**
   * Invocations that run at once (Lambda's sandboxes); later ones wait for one to finish, and their
   * time limit starts when they run, as on Lambda. Unbounded when omitted.
   */
  sandboxes?: number;
}

/** At most `limit` holders at once; the others wait in order. */
function sandboxPool(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`sandboxes must be a whole number of at least 1, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot take it in between.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Lambda's reply payload for a function that threw: the error's name and message, and its stack as lines. */
function errorReply(errorType: string, errorMessage: string, trace: string[] = []): InvokeReply {
  return { functionError: "Unhandled", payload: Buffer.from(JSON.stringify({ errorType, errorMessage, trace }), "utf8") };
}

/**
 * A handler invoked in this process with the semantics of Lambda's synchronous Invoke: the payload
 * must be JSON and is parsed into the event (a payload that is not JSON is refused before the
 * handler runs, as Lambda refuses it); the handler's result is serialized back to JSON (so only what
 * survives JSON reaches the caller); an error it throws comes back as `FunctionError: "Unhandled"`
 * with `{ errorType, errorMessage, trace }`; and after the time limit the reply is Lambda's timeout
 * error (`Sandbox.Timedout`). Unlike Lambda, a timed-out handler cannot be stopped: it runs on, and
 * its result is dropped. With `sandboxes`, invocations beyond that many wait their turn: on Lambda
 * each runs in a sandbox of its own, here they share one process, and 60 of them at once would each
 * run out their time limit waiting for the CPU, not working (issue 15: 500s under machine load).
 */
export function localInvoker(handler: (event: unknown) => Promise<unknown>, options: LocalInvokerOptions): RenderInvoker {
  const timeoutMs = options.timeoutSeconds * 1000;
  const inSandbox = options.sandboxes === undefined ? <T>(work: () => Promise<T>) => work() : sandboxPool(options.sandboxes);
  return async (payload) => {
    let event: unknown;
    try {
      event = JSON.parse(Buffer.from(payload).toString("utf8"));
    } catch {
      throw Object.assign(new Error("Could not parse request body into json"), { name: "InvalidRequestContentException" });
    }
    return inSandbox(() => run(event));
  };

  async function run(event: unknown): Promise<InvokeReply> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ timedOut: true }>((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
    });
    try {
      const outcome = await Promise.race([
        Promise.resolve()
          .then(() => handler(event))
          .then((value) => ({ value })),
        timedOut,
      ]);
      if ("timedOut" in outcome) {
        return errorReply("Sandbox.Timedout", `Task timed out after ${((performance.now() - started) / 1000).toFixed(2)} seconds`);
      }
      let serialized: string | undefined;
      try {
        serialized = JSON.stringify(outcome.value);
      } catch (error) {
        return errorReply("Runtime.MarshalError", `Unable to marshal response: ${(error as Error).message}`);
      }
      // JSON.stringify(undefined) is undefined: Lambda answers `null` for a handler that returns nothing.
      return { payload: Buffer.from(serialized ?? "null", "utf8") };
    } catch (error) {
      const thrown = error instanceof Error ? error : new Error(String(error));
      return errorReply(
        thrown.name,
        thrown.message,
        (thrown.stack ?? "")
          .split("\n")
          .slice(1)
          .map((line) => line.trim()),
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
