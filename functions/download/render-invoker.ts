import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import * as z from "zod";
import type { DocumentRequest } from "../core/documents";
import { countOf, ERROR_CODES, type ErrorCode, LetterpressError } from "../core/errors";
import { functionErrorSchema, renderReplySchema } from "../render/render-reply";
import type { StoredDocument } from "../storage/document-store";
import type { RenderOnDemand } from "./download-service";

/**
 * What a synchronous Lambda invoke (RequestResponse) gives back: the payload bytes, and
 * `functionError` ("Unhandled") when the function threw or timed out, the payload then being
 * `{ errorType, errorMessage }`.
 */
export interface InvokeReply {
  payload: Uint8Array;
  functionError?: string;
}

/** Invokes the render function with a JSON payload, as Lambda's Invoke does: bytes in, bytes out. */
export type RenderInvoker = (payload: Uint8Array) => Promise<InvokeReply>;

/** The deployed invoker: the render function, by name, through the Lambda API. */
export function lambdaRenderInvoker(client: LambdaClient, functionName: string): RenderInvoker {
  return async (payload) => {
    let reply: InvokeCommandOutput;
    try {
      reply = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: payload }));
    } catch (error) {
      // Throttled, denied or unreachable: the render did not run. The SDK's message stays in the cause (and the log).
      const name = (error as { name?: unknown } | null)?.name;
      const code: ErrorCode = name === "AccessDeniedException" || name === "ResourceNotFoundException" ? "CONFIG_ERROR" : "RENDER_ERROR";
      throw new LetterpressError(code, `the render function ${functionName} could not be invoked (${String(name ?? "error")})`, { cause: error });
    }
    return { payload: reply.Payload ?? new Uint8Array(), ...(reply.FunctionError ? { functionError: reply.FunctionError } : {}) };
  };
}

const isErrorCode = (value: unknown): value is ErrorCode => (ERROR_CODES as readonly unknown[]).includes(value);

function parsePayload(payload: Uint8Array): unknown {
  const text = Buffer.from(payload).toString("utf8");
  try {
    return JSON.parse(text === "" ? "null" : text);
  } catch {
    throw new LetterpressError("RENDER_ERROR", `the render function replied with a payload that is not JSON (${countOf(payload.length, "byte")})`);
  }
}

/**
 * A document made on demand by the render function (which alone may write), through an invoker:
 * the request goes out as the render function's direct event; the reply is parsed with its schema.
 * The render function's error codes come back as our errors; anything else is a RENDER_ERROR.
 */
export function renderThrough(invoke: RenderInvoker): RenderOnDemand {
  return async (request: DocumentRequest): Promise<StoredDocument> => {
    const event = { letterId: request.letterId, locales: [request.locale], formats: [request.format], ...(request.recipientId ? { recipients: [request.recipientId] } : {}) };
    const reply = await invoke(Buffer.from(JSON.stringify(event), "utf8"));
    const body = parsePayload(reply.payload);
    if (reply.functionError !== undefined) {
      const failure = functionErrorSchema.safeParse(body);
      if (!failure.success) throw new LetterpressError("RENDER_ERROR", `the render function failed (${reply.functionError}) with an unreadable error`);
      const { errorType, errorMessage } = failure.data;
      throw callerError(
        request,
        isErrorCode(errorType) ? errorType : "RENDER_ERROR",
        isErrorCode(errorType) ? errorMessage : `the render function failed: ${errorType ?? reply.functionError}: ${errorMessage}`,
      );
    }
    const parsed = renderReplySchema.safeParse(body);
    if (!parsed.success) throw new LetterpressError("RENDER_ERROR", `the render function's reply does not match its schema: ${z.prettifyError(parsed.error)}`);
    const failure = parsed.data.failures[0];
    if (failure) throw callerError(request, isErrorCode(failure.code) ? failure.code : "RENDER_ERROR", failure.reason);
    const document = parsed.data.documents.find((entry) => entry.locale === request.locale && entry.format === request.format && entry.recipientId === request.recipientId);
    if (!document)
      throw new LetterpressError(
        "NOT_FOUND",
        `letter "${request.letterId}" has no ${request.locale} ${request.format} document${request.recipientId ? ` for "${request.recipientId}"` : ""}`,
      );
    return document;
  };
}

/**
 * The render function's error as the download function's caller sees it. An unknown letter is
 * re-worded from the request: the render function's own message may say where it looked.
 */
function callerError(request: DocumentRequest, code: ErrorCode, message: string): LetterpressError {
  if (code === "UNKNOWN_LETTER") return new LetterpressError(code, `no letter "${request.letterId}"`);
  return new LetterpressError(code, message);
}
