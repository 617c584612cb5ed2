/**
 * The local stand-in for an SQS queue and its Lambda event source mapping (local/local-queue.ts),
 * driving a real function through the local invoker: batches, partial batch responses, function
 * errors, replies naming unknown messages, redelivery, the dead-letter list, and concurrency.
 */
import { type Delivery, LocalQueue } from "../../local/local-queue";
import { localInvoker } from "../../local/local-invoker";

type SqsEvent = { Records: { messageId: string; body: string; eventSource: string; attributes: { ApproximateReceiveCount: string } }[] };

function queueOver(handler: (event: SqsEvent) => Promise<unknown>, options: { batchSize?: number; maxConcurrency?: number } = {}) {
  const deliveries: Delivery[] = [];
  const queue = new LocalQueue({
    name: "test",
    invoke: localInvoker((event) => handler(event as SqsEvent), { timeoutSeconds: 30 }),
    batchSize: options.batchSize ?? 10,
    maxConcurrency: options.maxConcurrency ?? 1,
    maxReceiveCount: 3,
    onDelivery: (delivery) => deliveries.push(delivery),
  });
  return { queue, deliveries };
}

describe("LocalQueue", () => {
  test("delivers SQS events in batches of at most batchSize, and deletes what the function did not name as failed", async () => {
    const seen: { bodies: string[]; receives: string[] }[] = [];
    const { queue, deliveries } = queueOver(
      async (event) => {
        seen.push({ bodies: event.Records.map((record) => record.body), receives: event.Records.map((record) => record.attributes.ApproximateReceiveCount) });
        expect(event.Records.every((record) => record.eventSource === "aws:sqs")).toBe(true);
        return { batchItemFailures: [] };
      },
      { batchSize: 2 },
    );
    queue.send(["a", "b", "c"]);
    await queue.drained();
    expect(seen).toEqual([
      { bodies: ["a", "b"], receives: ["1", "1"] },
      { bodies: ["c"], receives: ["1"] },
    ]);
    expect(deliveries.map((delivery) => delivery.failed)).toEqual([[], []]);
    expect(queue.deadLetters).toEqual([]);
  });

  test("offers a message named in batchItemFailures again until maxReceiveCount, then dead-letters it with its body", async () => {
    const { queue } = queueOver(async (event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === "poison").map((record) => ({ itemIdentifier: record.messageId })),
    }));
    const [, poisonId] = queue.send(["fine", "poison"]);
    await queue.drained();
    expect(queue.deadLetters).toEqual([{ messageId: poisonId, body: "poison", receiveCount: 3, reason: "returned in batchItemFailures" }]);
  });

  test("takes a function error, or a reply naming a message it was not given, as the whole batch failing", async () => {
    let calls = 0;
    const { queue, deliveries } = queueOver(async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("boom"), { name: "RENDER_ERROR" });
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: "not-in-this-batch" }] };
      return { batchItemFailures: [] };
    });
    queue.send(["x", "y"]);
    await queue.drained();
    expect(deliveries.map((delivery) => ({ failed: delivery.failed.length, functionError: delivery.functionError }))).toEqual([
      { failed: 2, functionError: "RENDER_ERROR: boom" },
      { failed: 2, functionError: undefined },
      { failed: 0, functionError: undefined },
    ]);
    expect(queue.deadLetters).toEqual([]);
  });

  test("never runs more invocations at once than maxConcurrency", async () => {
    let running = 0;
    let most = 0;
    const { queue } = queueOver(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return { batchItemFailures: [] };
      },
      { batchSize: 1, maxConcurrency: 2 },
    );
    queue.send(Array.from({ length: 8 }, (_, index) => String(index)));
    await queue.drained();
    expect(most).toBe(2);
  });
});
