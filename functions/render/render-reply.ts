import * as z from "zod";
import { localeIdSchema } from "../core/locales";
import { manifestEntrySchema } from "../storage/manifest";

/**
 * The render function's reply to a direct invocation: its report, and the documents now stored (so
 * the download function finds the one it asked for without reading the manifest again). The
 * download function parses it with this schema: a reply it cannot read is an error, never a cast.
 */
export const renderReplySchema = z.object({
  letterId: z.string().min(1),
  revision: z.string().regex(/^[0-9a-f]{7,64}$/),
  created: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  manifestKey: z.string().min(1).optional(),
  failures: z.array(
    z.object({
      locale: localeIdSchema,
      format: z.string(),
      recipientId: z.string().nullable(),
      code: z.string(),
      reason: z.string(),
    }),
  ),
  documents: z.array(manifestEntrySchema),
});
export type RenderReply = z.infer<typeof renderReplySchema>;

/**
 * What Lambda returns as the payload of an invocation whose function threw (FunctionError is set):
 * the error's name as `errorType` and its message; a timeout has `Sandbox.Timedout` as its type.
 */
export const functionErrorSchema = z.object({
  errorType: z.string().optional(),
  errorMessage: z.string(),
  trace: z.array(z.string()).optional(),
});
export type FunctionErrorPayload = z.infer<typeof functionErrorSchema>;
