import * as z from "zod";
import { DOCUMENT_FORMATS } from "../core/documents";
import { LIMITS } from "../core/letter/schema";
import { slug } from "../core/letter/slug";
import { localeIdSchema } from "../core/locales";
import { MAX_RECIPIENTS_PER_PART, type RenderPart } from "./render-parts";

/** What to render: one letter, some or all of its languages and formats, and whose copies. */
export const renderRequestSchema = z.strictObject({
  letterId: slug,
  locales: z.array(localeIdSchema).min(1).max(200).optional(),
  formats: z.array(z.enum(DOCUMENT_FORMATS)).min(1).max(DOCUMENT_FORMATS.length).optional(),
  /** true: every recipient's personalized letter; a list: those recipients'; absent: one letter per language. */
  recipients: z.union([z.literal(true), z.array(slug).min(1).max(LIMITS.recipients)]).optional(),
});
export type RenderRequest = z.infer<typeof renderRequestSchema>;

/**
 * A message of the render part queue: one bounded part of a changed letter (render-parts.ts), for the
 * revision it was planned for. Its recipients are all distinct and at most what one part may render.
 */
export const renderPartMessageSchema = z.strictObject({
  part: z
    .strictObject({
      letterId: slug,
      revision: z.string().regex(/^[0-9a-f]{7,64}$/, { error: "expected 7-64 lowercase hex digits" }),
      locale: localeIdSchema,
      recipients: z
        .array(slug)
        .min(1)
        .max(MAX_RECIPIENTS_PER_PART)
        .refine((ids) => new Set(ids).size === ids.length, { error: "expected each recipient once" })
        .nullable(),
      index: z.number().int().nonnegative(),
      of: z.number().int().positive(),
    })
    .refine((part) => part.index < part.of, { error: "expected index below of", path: ["index"] }),
});

const sqsRecordSchema = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  eventSource: z.literal("aws:sqs"),
});
export type SqsRecord = z.infer<typeof sqsRecordSchema>;
export const sqsEventSchema = z.object({ Records: z.array(sqsRecordSchema).min(1) });

const s3RecordSchema = z.object({
  eventSource: z.literal("aws:s3"),
  eventName: z.string().startsWith("ObjectCreated:"),
  s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string().min(1).max(1024) }) }),
});
/** An S3 event notification of new objects: the body of a message S3 sends to the render queue. */
export const s3NotificationSchema = z.object({ Records: z.array(s3RecordSchema).min(1) });

/** The message S3 sends to a queue when a notification to it is configured: nothing to render. */
const s3TestEventSchema = z.object({ Service: z.literal("Amazon S3"), Event: z.literal("s3:TestEvent") });

type Invalid = { kind: "invalid"; reason: string };

export type RenderEvent =
  | { kind: "direct"; request: RenderRequest }
  | { kind: "sqs"; records: SqsRecord[] }
  /** S3 invoking the function itself. No longer wired (data changes come through the queue); see the handler. */
  | { kind: "s3"; keys: string[] };

/** What one message of the render queue asks for. */
export type RenderMessage = { kind: "request"; request: RenderRequest } | { kind: "part"; part: RenderPart } | { kind: "data-changed"; keys: string[] } | { kind: "s3-test-event" };

/** A field's path for a message, starting at `place` (the body of a message) or at the event. */
function fieldPath(place: string | undefined, path: readonly PropertyKey[]): string {
  return (
    [place, ...path]
      .filter((part) => part !== undefined)
      .map(String)
      .join(".") || "event"
  );
}

/** Each problem as `<field path>: <rule>`. */
function describe(error: z.ZodError, place?: string): string {
  return error.issues.map((issue) => `${fieldPath(place, issue.path)}: ${issue.message}`).join("; ");
}

/** The object keys of an S3 event notification, decoded. */
function parseS3Notification(value: unknown, place?: string): { kind: "s3"; keys: string[] } | Invalid {
  const parsed = s3NotificationSchema.safeParse(value);
  if (!parsed.success) return { kind: "invalid", reason: describe(parsed.error, place) };
  // S3 event keys are URL-encoded, with "+" for spaces. A key that does not decode is refused by
  // name: decodeURIComponent's URIError used to escape the handler unnamed (test/reliability, issue 8).
  const keys: string[] = [];
  for (const [index, record] of parsed.data.Records.entries()) {
    try {
      keys.push(decodeURIComponent(record.s3.object.key.replace(/\+/g, " ")));
    } catch {
      return { kind: "invalid", reason: `${fieldPath(place, ["Records", index, "s3", "object", "key"])}: malformed percent-encoding` };
    }
  }
  return { kind: "s3", keys };
}

/** Tells the ways the render function is invoked apart, validating each fully. */
export function classifyRenderEvent(event: unknown): RenderEvent | Invalid {
  const records = (event as { Records?: { eventSource?: unknown }[] } | null)?.Records;
  const source = Array.isArray(records) ? records[0]?.eventSource : undefined;
  if (source === "aws:sqs") {
    const parsed = sqsEventSchema.safeParse(event);
    return parsed.success ? { kind: "sqs", records: parsed.data.Records } : { kind: "invalid", reason: describe(parsed.error) };
  }
  if (source === "aws:s3") return parseS3Notification(event);
  const parsed = renderRequestSchema.safeParse(event);
  return parsed.success ? { kind: "direct", request: parsed.data } : { kind: "invalid", reason: describe(parsed.error) };
}

/** Tells a render request from the S3 notifications S3 sends to the same queue, validating each fully. */
export function classifyRenderMessage(body: string): RenderMessage | Invalid {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: "invalid", reason: "body: not JSON" };
  }
  // A render request is a strict object with neither field, so either one means S3 wrote the message.
  const has = (field: string) => typeof value === "object" && value !== null && Object.hasOwn(value, field);
  // Nor has it `part`: the render function wrote the message (a part of a changed letter).
  if (has("part")) {
    const parsed = renderPartMessageSchema.safeParse(value);
    return parsed.success ? { kind: "part", part: parsed.data.part } : { kind: "invalid", reason: describe(parsed.error, "body") };
  }
  if (has("Event")) {
    const parsed = s3TestEventSchema.safeParse(value);
    return parsed.success ? { kind: "s3-test-event" } : { kind: "invalid", reason: describe(parsed.error, "body") };
  }
  if (has("Records")) {
    const parsed = parseS3Notification(value, "body");
    return parsed.kind === "s3" ? { kind: "data-changed", keys: parsed.keys } : parsed;
  }
  const parsed = renderRequestSchema.safeParse(value);
  return parsed.success ? { kind: "request", request: parsed.data } : { kind: "invalid", reason: describe(parsed.error, "body") };
}

/** The letter a data key belongs to (`data/<letterId>/<file>.json`), or undefined for any other key. */
export function letterIdOfDataKey(key: string, dataPrefix: string): string | undefined {
  if (!key.startsWith(dataPrefix)) return undefined;
  const [letterId, file, ...rest] = key.slice(dataPrefix.length).split("/");
  if (rest.length > 0 || !file?.endsWith(".json") || !letterId || !slug.safeParse(letterId).success) return undefined;
  return letterId;
}

/** The letters some data keys belong to, each once, in the order of the keys; other keys are ignored. */
export function letterIdsOfDataKeys(keys: readonly string[], dataPrefix: string): string[] {
  return [...new Set(keys.map((key) => letterIdOfDataKey(key, dataPrefix)).filter((letterId) => letterId !== undefined))];
}

/** One render and the messages that asked for it: they succeed or fail with it. */
export type RenderJob = { messageIds: string[] } & (
  | { kind: "request"; request: RenderRequest }
  | { kind: "part"; part: RenderPart }
  | { kind: "letter-changed"; letterId: string }
);

export interface RenderBatchPlan {
  /** In batch order: each render request and part on its own; each changed letter once, with every message that named it. */
  jobs: RenderJob[];
  /** Messages that ask for nothing (S3's test event, a notification of no letter data): done once received. */
  skipped: { messageId: string; reason: string }[];
  invalid: { messageId: string; reason: string }[];
}

/**
 * What a batch from the render queue asks for. One deployment uploads a letter as several files and
 * S3 sends a message for each: they become one render of that letter, not one per file.
 */
export function planRenderBatch(records: readonly SqsRecord[], dataPrefix: string): RenderBatchPlan {
  const plan: RenderBatchPlan = { jobs: [], skipped: [], invalid: [] };
  const changed = new Map<string, RenderJob>();
  for (const { messageId, body } of records) {
    const message = classifyRenderMessage(body);
    switch (message.kind) {
      case "invalid":
        plan.invalid.push({ messageId, reason: message.reason });
        break;
      case "s3-test-event":
        plan.skipped.push({ messageId, reason: "S3 test event" });
        break;
      case "request":
        plan.jobs.push({ kind: "request", request: message.request, messageIds: [messageId] });
        break;
      case "part":
        plan.jobs.push({ kind: "part", part: message.part, messageIds: [messageId] });
        break;
      case "data-changed": {
        const letterIds = letterIdsOfDataKeys(message.keys, dataPrefix);
        if (letterIds.length === 0) plan.skipped.push({ messageId, reason: "no letter data among the keys" });
        for (const letterId of letterIds) {
          let job = changed.get(letterId);
          if (!job) {
            job = { kind: "letter-changed", letterId, messageIds: [] };
            changed.set(letterId, job);
            plan.jobs.push(job);
          }
          job.messageIds.push(messageId);
        }
        break;
      }
    }
  }
  return plan;
}
