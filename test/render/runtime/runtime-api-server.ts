import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the function posted back, as the Runtime API received it. */
export interface Posted {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface QueuedEvent {
  requestId: string;
  /** The body sent as the event, as is (JSON or not). */
  body: string;
  traceId?: string;
}

/**
 * A real HTTP server speaking the Lambda Runtime API (2018-06-01) on 127.0.0.1, as Lambda's own
 * endpoint does for a custom runtime: GET .../invocation/next hands out the queued events one by one
 * (and holds the request, as Lambda does, while none is left), POSTs of responses and errors are
 * recorded and answered 202. Any other request gets 404, so a wrong path fails the test.
 */
export class RuntimeApiServer {
  readonly posted: Posted[] = [];
  readonly gets: string[] = [];
  private readonly queue: QueuedEvent[];
  private readonly server: Server;
  private readonly held: (() => void)[] = [];

  constructor(events: QueuedEvent[]) {
    this.queue = [...events];
    this.server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const path = incoming.url ?? "";
        if (incoming.method === "GET" && path === "/2018-06-01/runtime/invocation/next") {
          this.gets.push(path);
          const event = this.queue.shift();
          if (!event) {
            // Lambda holds the request until an event comes; here, until the server closes.
            this.held.push(() => outgoing.destroy());
            return;
          }
          outgoing.writeHead(200, {
            "content-type": "application/json",
            "lambda-runtime-aws-request-id": event.requestId,
            "lambda-runtime-deadline-ms": String(Date.now() + 60_000),
            "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:123456789012:function:render",
            ...(event.traceId ? { "lambda-runtime-trace-id": event.traceId } : {}),
          });
          outgoing.end(event.body);
          return;
        }
        if (incoming.method === "POST" && /^\/2018-06-01\/runtime\/(invocation\/[^/]+\/(response|error)|init\/error)$/.test(path)) {
          this.posted.push({ path, headers: incoming.headers, body: Buffer.concat(chunks).toString("utf8") });
          outgoing.writeHead(202, { "content-type": "application/json" });
          outgoing.end('{"status":"OK"}');
          return;
        }
        outgoing.writeHead(404);
        outgoing.end();
      });
    });
  }

  /** host:port, as Lambda puts it in AWS_LAMBDA_RUNTIME_API. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const release of this.held) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
