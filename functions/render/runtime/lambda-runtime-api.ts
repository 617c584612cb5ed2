import { Agent, request } from "node:http";
import { LetterpressError } from "../../core/errors";

/*
 * The Lambda Runtime API, as a custom runtime (provided.al2023) speaks it: ask for the next
 * invocation, post its response or its error, or an init error before any invocation
 * (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html). Our own few lines over node:http, not
 * aws-lambda-ric: that client builds a native addon (and libcurl) at install time, which would
 * have to be cross-compiled for arm64 and would load a shared library on every cold start; the API
 * is four HTTP calls on localhost.
 */

export const RUNTIME_API_VERSION = "2018-06-01";

/** One event for the function, with what the Runtime API says about it. */
export interface Invocation {
  requestId: string;
  /** The invocation's deadline, milliseconds since the epoch. */
  deadlineMs: number;
  functionArn: string | undefined;
  traceId: string | undefined;
  /** The event's body as sent; parsed by `runInvocationLoop`, so a body that is not JSON is reported as this invocation's error. */
  body: string;
}

/** How an error is reported: the shape Lambda's own runtimes send. */
export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

export function runtimeErrorOf(error: unknown): RuntimeError {
  if (error instanceof Error) {
    return {
      errorType: error.name || "Error",
      errorMessage: error.message,
      stackTrace: (error.stack ?? "")
        .split("\n")
        .slice(1)
        .map((line) => line.trim()),
    };
  }
  return { errorType: "Error", errorMessage: String(error), stackTrace: [] };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A client of one Runtime API endpoint (`AWS_LAMBDA_RUNTIME_API`, host:port). */
export class RuntimeApiClient {
  // One kept-alive connection: every call goes to the same local endpoint, one at a time.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;

  constructor(address: string) {
    const match = /^([^:]+):(\d{1,5})$/.exec(address);
    if (!match) throw new LetterpressError("CONFIG_ERROR", `AWS_LAMBDA_RUNTIME_API must be host:port, got "${address}"`);
    this.host = match[1] as string;
    this.port = Number(match[2]);
  }

  /** The client of the endpoint Lambda names in AWS_LAMBDA_RUNTIME_API. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): RuntimeApiClient {
    const address = env["AWS_LAMBDA_RUNTIME_API"];
    if (!address) throw new LetterpressError("CONFIG_ERROR", "AWS_LAMBDA_RUNTIME_API is not set: the custom runtime runs only under Lambda (or a Runtime API emulator)");
    return new RuntimeApiClient(address);
  }

  private call(method: "GET" | "POST", path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.host,
          port: this.port,
          method,
          path: `/${RUNTIME_API_VERSION}${path}`,
          agent: this.agent,
          headers: body === undefined ? headers : { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString("utf8") }));
          incoming.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  private async post(path: string, body: string, headers?: Record<string, string>): Promise<void> {
    const reply = await this.call("POST", path, body, headers);
    // 202 Accepted; 413 (response too large) and 4xx/5xx are the API's refusals: the process cannot go on sanely.
    if (reply.status !== 202) throw new Error(`Runtime API refused POST ${path}: ${reply.status} ${reply.body.slice(0, 500)}`);
  }

  /** Waits for the next invocation (the Runtime API holds the request until there is one). */
  async next(): Promise<Invocation> {
    const reply = await this.call("GET", "/runtime/invocation/next");
    if (reply.status !== 200) throw new Error(`Runtime API answered ${reply.status} to the next invocation: ${reply.body.slice(0, 500)}`);
    const header = (name: string): string | undefined => {
      const value = reply.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const requestId = header("lambda-runtime-aws-request-id");
    if (!requestId) throw new Error("Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id");
    return {
      requestId,
      deadlineMs: Number(header("lambda-runtime-deadline-ms") ?? Number.NaN),
      functionArn: header("lambda-runtime-invoked-function-arn"),
      traceId: header("lambda-runtime-trace-id"),
      body: reply.body,
    };
  }

  respond(requestId: string, result: unknown): Promise<void> {
    // A handler that returns nothing answers `null`, as JSON.
    return this.post(`/runtime/invocation/${encodeURIComponent(requestId)}/response`, JSON.stringify(result ?? null));
  }

  fail(requestId: string, error: unknown): Promise<void> {
    const reported = runtimeErrorOf(error);
    return this.post(`/runtime/invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(reported), { "lambda-runtime-function-error-type": reported.errorType });
  }

  /** Before the first invocation: the function could not start (Lambda then reports the init failure and retries with a new process). */
  initError(error: unknown): Promise<void> {
    const reported = runtimeErrorOf(error);
    return this.post("/runtime/init/error", JSON.stringify(reported), { "lambda-runtime-function-error-type": reported.errorType });
  }
}

export type InvocationHandler = (event: unknown) => Promise<unknown>;

/**
 * The runtime's loop: each invocation's event to the handler, its result back as the response, a
 * thrown error (or a body that is not JSON) back as the invocation's error; then the next. The X-Ray
 * trace header goes into `_X_AMZN_TRACE_ID` for the invocation, as the managed runtime sets it.
 * Runs until the process ends; `maxInvocations` stops it after that many (tests).
 */
export async function runInvocationLoop(handler: InvocationHandler, client: RuntimeApiClient, options: { maxInvocations?: number } = {}): Promise<void> {
  for (let handled = 0; options.maxInvocations === undefined || handled < options.maxInvocations; handled++) {
    const invocation = await client.next();
    if (invocation.traceId) process.env["_X_AMZN_TRACE_ID"] = invocation.traceId;
    else delete process.env["_X_AMZN_TRACE_ID"];
    let result: unknown;
    try {
      result = await handler(JSON.parse(invocation.body) as unknown);
    } catch (error) {
      await client.fail(invocation.requestId, error);
      continue;
    }
    await client.respond(invocation.requestId, result);
  }
}
