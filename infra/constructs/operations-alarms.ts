import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { DOWNLOAD_SERVICE_NAME, RENDER_FAILURE_LOG, SHARE_METRICS_NAMESPACE } from "../../functions/deployment-contract";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { FilterPattern, type ILogGroup, MetricFilter } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { administeredKeyPolicy } from "../secure-defaults";

/** Where the render failure metric (counted from the render function's log) lives. */
export const RENDER_METRICS_NAMESPACE = "Letterpress/Render";

export interface OperationsAlarmsProps {
  deadLetterQueue: IQueue;
  /** Functions whose errors and throttles raise an alarm, by a short name used in the alarm's id. */
  functions: Record<string, IFunction>;
  /**
   * The render function's log group: documents that failed for their data or template are logged
   * there (RENDER_FAILURE_LOG) and not retried, so they never reach the dead-letter queue.
   */
  renderLogs?: ILogGroup;
  /** Share links refused (expired, revoked, tampered...) in 5 minutes above which the topic hears of it; no alarm when omitted. */
  refusedShareLinkThreshold?: number;
  /** Subscribed to the topic when given; anyone can subscribe later. */
  email?: string;
}

/**
 * What someone should look at: a message in the dead-letter queue, a document that failed for its
 * data or template, a function error, a throttle.
 * Every alarm notifies one encrypted SNS topic.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, so the topic has its own key.
    // The account administers the key (not CDK's default kms:* for the account); CloudWatch alone uses it.
    const key = new Key(this, "TopicKey", { description: "letterpress alarm topic", enableKeyRotation: true, policy: administeredKeyPolicy() });
    key.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
    this.topic = new Topic(this, "Topic", { displayName: "letterpress alarms", masterKey: key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const action = new SnsAction(this.topic);
    const raise = (alarmId: string, description: string, metric: IMetric, threshold = 0) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    raise(
      "DeadLetters",
      "Render messages (requests or changed letter data) failed three times and wait in the dead-letter queue.",
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: "Maximum" }),
    );
    if (props.renderLogs) {
      // One metric for both failure lines; a line is one failed message or part, however many documents it names.
      const failures = new MetricFilter(this, "RenderFailureLines", {
        logGroup: props.renderLogs,
        filterPattern: FilterPattern.any(
          FilterPattern.stringValue("$.message", "=", RENDER_FAILURE_LOG.part),
          FilterPattern.stringValue("$.message", "=", RENDER_FAILURE_LOG.message),
        ),
        metricNamespace: RENDER_METRICS_NAMESPACE,
        metricName: "RenderFailures",
        metricValue: "1",
      });
      raise(
        "RenderFailures",
        "Documents failed for their data or template (a stale or invalid translation, a template error). They are not retried, so they never reach the dead-letter queue: the render function's log names each one.",
        failures.metric({ period: Duration.minutes(5), statistic: "Sum" }),
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      raise(`${name}Errors`, `The ${name} function reported errors.`, fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }));
      raise(`${name}Throttles`, `The ${name} function was throttled.`, fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }));
    }
    if (props.refusedShareLinkThreshold !== undefined) {
      // The download function writes ShareRefused (CloudWatch EMF) by Service, whatever the reason:
      // one alarm for a spike of expired, revoked, tampered or unknown links (guessing, or a broken key).
      raise(
        "RefusedShareLinks",
        `More than ${props.refusedShareLinkThreshold} share links were refused in 5 minutes (expired, revoked, tampered or signed with an unknown key).`,
        new Metric({
          namespace: SHARE_METRICS_NAMESPACE,
          metricName: "ShareRefused",
          dimensionsMap: { Service: DOWNLOAD_SERVICE_NAME },
          statistic: "Sum",
          period: Duration.minutes(5),
        }),
        props.refusedShareLinkThreshold,
      );
    }
  }
}
