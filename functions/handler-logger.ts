import { Logger } from "@aws-lambda-powertools/logger";

/**
 * What a handler logs through: Powertools' Logger on Lambda and locally (structured JSON lines), a
 * quiet one in tests. Handlers log safe attributes only, never an event or a signed URL.
 */
export interface HandlerLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown> | Error): void;
}

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";

/** The functions' logger; on Lambda the level comes from POWERTOOLS_LOG_LEVEL (INFO by default). */
export function createHandlerLogger(serviceName: string, logLevel?: LogLevel): HandlerLogger {
  const logger = new Logger({ serviceName, ...(logLevel ? { logLevel } : {}) });
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, details = {}) => (details instanceof Error ? logger.error(message, details) : logger.error(message, details)),
  };
}
