import { z } from "zod";
import { DOCUMENT_FORMATS } from "../core/documents";
import { slug } from "../core/letter/schema";
import { SUPPORTED_LOCALES } from "../core/locales";

/** What to render: one letter, some or all of its languages and formats, and whose copies. */
export const renderRequestSchema = z.strictObject({
  letterId: slug,
  locales: z.array(z.enum(SUPPORTED_LOCALES)).min(1).max(SUPPORTED_LOCALES.length).optional(),
  formats: z.array(z.enum(DOCUMENT_FORMATS)).min(1).max(DOCUMENT_FORMATS.length).optional(),
  /** true: every recipient's personalized letter; a list: those recipients'; absent: one letter per language. */
  recipients: z.union([z.literal(true), z.array(slug).min(1).max(10_000)]).optional(),
});
export type RenderRequest = z.infer<typeof renderRequestSchema>;

const sqsRecordSchema = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  eventSource: z.literal("aws:sqs"),
});
export const sqsEventSchema = z.object({ Records: z.array(sqsRecordSchema).min(1) });

const s3RecordSchema = z.object({
  eventSource: z.literal("aws:s3"),
  eventName: z.string().startsWith("ObjectCreated:"),
  s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string().min(1).max(1024) }) }),
});
export const s3EventSchema = z.object({ Records: z.array(s3RecordSchema).min(1) });

export type RenderEvent =
  | { kind: "direct"; request: RenderRequest }
  | { kind: "sqs"; records: z.infer<typeof sqsRecordSchema>[] }
  | { kind: "s3"; keys: string[] };

/** Tells the three ways the render function is invoked apart, validating each fully. */
export function classifyRenderEvent(event: unknown): RenderEvent | { kind: "invalid"; reason: string } {
  const records = (event as { Records?: { eventSource?: unknown }[] } | null)?.Records;
  const source = Array.isArray(records) ? records[0]?.eventSource : undefined;
  const describe = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join(".") || "event"}: ${issue.message}`).join("; ");
  if (source === "aws:sqs") {
    const parsed = sqsEventSchema.safeParse(event);
    return parsed.success ? { kind: "sqs", records: parsed.data.Records } : { kind: "invalid", reason: describe(parsed.error) };
  }
  if (source === "aws:s3") {
    const parsed = s3EventSchema.safeParse(event);
    if (!parsed.success) return { kind: "invalid", reason: describe(parsed.error) };
    // S3 event keys are URL-encoded, with "+" for spaces. A key that does not decode is refused by
    // name: decodeURIComponent's URIError used to escape the handler unnamed (test/reliability, issue 8).
    const keys: string[] = [];
    for (const [index, record] of parsed.data.Records.entries()) {
      try {
        keys.push(decodeURIComponent(record.s3.object.key.replace(/\+/g, " ")));
      } catch {
        return { kind: "invalid", reason: `Records.${index}.s3.object.key: malformed percent-encoding` };
      }
    }
    return { kind: "s3", keys };
  }
  const parsed = renderRequestSchema.safeParse(event);
  return parsed.success ? { kind: "direct", request: parsed.data } : { kind: "invalid", reason: describe(parsed.error) };
}

/** The letter a data key belongs to (`data/<letterId>/<file>.json`), or undefined for any other key. */
export function letterIdOfDataKey(key: string, dataPrefix: string): string | undefined {
  if (!key.startsWith(dataPrefix)) return undefined;
  const [letterId, file, ...rest] = key.slice(dataPrefix.length).split("/");
  if (rest.length > 0 || !file?.endsWith(".json") || !letterId || !slug.safeParse(letterId).success) return undefined;
  return letterId;
}
