import { SHARE_METRICS_NAMESPACE } from "../deployment-contract";
/**
 * What the share module reports: one structured log line and one metric per share created, used,
 * refused and revoked. Share id, document and outcome; never the token (it is the credential).
 */

/** Structured logging; Powertools' Logger fits it as it is (`logger.info(message, fields)`). */
export interface ShareLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export const SHARE_METRICS = ["ShareCreated", "ShareUsed", "ShareRefused", "ShareRevoked"] as const;
export type ShareMetricName = (typeof SHARE_METRICS)[number];

/** Counts events; `outcome` is a small closed set (a refusal reason), safe as a metric dimension. */
export interface ShareMetrics {
  count(name: ShareMetricName, outcome: string): void;
}

/** The metric namespace infra's alarm reads; one name for both (in the deployment contract). */
export { SHARE_METRICS_NAMESPACE };

export interface EmfMetricsOptions {
  namespace?: string;
  /** The `Service` dimension, e.g. `letterpress-download`. */
  service: string;
  /** Where each line goes; Lambda sends stdout to CloudWatch Logs, which turns EMF lines into metrics. */
  write?: (line: string) => void;
  clock: () => Date;
}

/**
 * A metrics sink writing CloudWatch Embedded Metric Format lines (one JSON object per line with an
 * `_aws` member). Each count is published twice: by `Service` alone, so one alarm covers every kind
 * of refused link, and by `Service` and `Outcome`, to see which kind it was. A dozen lines of our own
 * rather than a metrics library: the format is small, documented, and this is its only use.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function createEmfMetrics(options: EmfMetricsOptions): ShareMetrics {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const namespace = options.namespace ?? SHARE_METRICS_NAMESPACE;
  return {
    count(name, outcome) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: options.clock().getTime(),
            CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [["Service"], ["Service", "Outcome"]], Metrics: [{ Name: name, Unit: "Count" }] }],
          },
          Service: options.service,
          Outcome: outcome,
          [name]: 1,
        }),
      );
    },
  };
}
