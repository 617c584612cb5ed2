import { createHash, randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import type { RenderInvoker } from "../functions/download/render-invoker";
import { partMessageBody, type RenderPartQueue } from "../functions/render/render-parts";

export interface LocalQueueOptions {
  /** For the records' `eventSourceARN` and for people. */
  name: string;
  /** The function the queue feeds, with Lambda's invoke semantics (local-invoker.ts). */
  invoke: RenderInvoker;
  /** Most messages per invocation, as the event source mapping's BatchSize. */
  batchSize: number;
  /** Most invocations at once, as the event source mapping's MaximumConcurrency. */
  maxConcurrency: number;
  /** A message tried this many times goes to the dead-letter list, as the queue's redrive policy says. */
  maxReceiveCount: number;
  /** Told of every invocation: which messages it carried and which of them failed. */
  onDelivery?(delivery: Delivery): void;
}

export interface Delivery {
  messageIds: string[];
  failed: string[];
  /** Why the whole invocation failed (function error, timeout), if it did. */
  functionError?: string;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  reason: string;
}

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

/**
 * An SQS queue and its Lambda event source mapping, in this process: what `npm run serve` and the
 * tests run in place of the render queues. Messages go to the function in batches of at most
 * `batchSize`, at most `maxConcurrency` invocations at once, as SQS events; the messages the function
 * names in `batchItemFailures` (or all of a batch whose invocation failed or timed out, or whose
 * reply names a message it was not given) come back until they were received `maxReceiveCount`
 * times, then go to the dead-letter list with the reason. Unlike SQS, a failed message is offered
 * again at once (no visibility timeout) and delivery is in order.
 */
export class LocalQueue {
  private readonly waiting: Message[] = [];
  private inFlight = 0;
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
  readonly deadLetters: DeadLetter[] = [];

  constructor(private readonly options: LocalQueueOptions) {}

  /** Queues message bodies; delivery starts on the next turn of the event loop. Returns their ids. */
  send(bodies: readonly string[]): string[] {
    const messages = bodies.map((body) => ({ messageId: randomUUID(), body, receiveCount: 0, sentAt: Date.now() }));
    this.waiting.push(...messages);
    setImmediate(() => this.pump());
    return messages.map((message) => message.messageId);
  }

  /** Resolves once nothing is waiting or being delivered (what was sent meanwhile included). */
  drained(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxConcurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.batchSize);
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.waiting.length === 0 && this.inFlight === 0 && this.idle) {
          this.idle.resolve();
          this.idle = undefined;
        }
      });
    }
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const message of batch) message.receiveCount++;
    const event = { Records: batch.map((message) => this.recordOf(message)) };
    const ids = new Set(batch.map((message) => message.messageId));
    let failed: Set<string>;
    let functionError: string | undefined;
    try {
      const reply = await this.options.invoke(Buffer.from(JSON.stringify(event), "utf8"));
      const text = Buffer.from(reply.payload).toString("utf8");
      if (reply.functionError !== undefined) {
        const { errorType, errorMessage } = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        functionError = `${errorType ?? reply.functionError}: ${errorMessage ?? ""}`;
        failed = ids;
      } else {
        const named = ((JSON.parse(text === "" ? "null" : text) as Partial<SQSBatchResponse> | null)?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
        // Lambda takes a reply naming a message it did not send as the whole batch failing.
        failed = named.every((id) => ids.has(id)) ? new Set(named) : ids;
      }
    } catch (error) {
      functionError = (error as Error).message;
      failed = ids;
    }
    this.options.onDelivery?.({ messageIds: [...ids], failed: [...failed], ...(functionError ? { functionError } : {}) });
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        const reason = functionError ?? "returned in batchItemFailures";
        this.deadLetters.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, reason });
      } else {
        this.waiting.push(message);
      }
    }
  }

  /** An SQS record as the event source mapping delivers it. */
  private recordOf(message: Message) {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(message.sentAt) },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(message.body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.name}`,
      awsRegion: "local",
    };
  }
}

/** The render part queue over a local queue: each part one message, as on SQS. */
export function localRenderPartQueue(queue: LocalQueue): RenderPartQueue {
  return {
    send: async (parts) => {
      queue.send(parts.map(partMessageBody));
    },
  };
}
