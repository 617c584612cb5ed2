import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from "@aws-sdk/client-sqs";
import { countOf, LetterpressError } from "../core/errors";
import { partMessageBody, type RenderPartQueue } from "./render-parts";

/** SendMessageBatch takes at most ten messages. */
const SQS_BATCH_LIMIT = 10;

/**
 * The render part queue on AWS: each part one SQS message, sent ten at a time. Any message SQS does
 * not accept fails the fan-out, naming the parts and SQS's reasons: the change's message is then
 * retried, and parts already sent render again idempotently (same revision, same keys, same bytes).
 */
export function sqsRenderPartQueue(client: SQSClient, queueUrl: string): RenderPartQueue {
  return {
    async send(parts) {
      const refused: string[] = [];
      for (let start = 0; start < parts.length; start += SQS_BATCH_LIMIT) {
        const chunk = parts.slice(start, start + SQS_BATCH_LIMIT);
        let reply: SendMessageBatchCommandOutput;
        try {
          reply = await client.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((part) => ({ Id: String(part.index), MessageBody: partMessageBody(part) })) }),
          );
        } catch (error) {
          const name = (error as { name?: unknown } | null)?.name;
          throw new LetterpressError("RENDER_ERROR", `could not queue parts ${start + 1}-${start + chunk.length} of ${parts.length} (${String(name ?? "error")})`, {
            cause: error,
          });
        }
        for (const failed of reply.Failed ?? []) refused.push(`part ${Number(failed.Id) + 1}: ${failed.Code ?? "error"}${failed.Message ? ` (${failed.Message})` : ""}`);
      }
      if (refused.length > 0)
        throw new LetterpressError("RENDER_ERROR", `the render part queue refused ${refused.length} of ${countOf(parts.length, "part")}: ${refused.join("; ")}`);
    },
  };
}
