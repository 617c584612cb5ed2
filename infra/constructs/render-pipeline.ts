import { join } from "node:path";
import { Duration, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Code } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { EventType } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { PREFIXES, RETENTION, secureQueueProps } from "../secure-defaults";
import { BucketToQueue } from "./bucket-to-queue";
import type { DocumentsBucket } from "./documents-bucket";
import { LetterFunction, REPO_ROOT } from "./letter-function";
import { ENV, RENDER_NODE_OPTIONS, RENDER_QUEUES, RENDER_TIMEOUT_SECONDS } from "../../functions/deployment-contract";
import { symbolicLinksUnder } from "../letter-data-links";

/**
 * 1024 MB / 60 s: a changed letter is rendered in parts sized to half of this timeout from measured
 * per-document costs, and a render's heap stays flat at about 65 MB after GC (peak RSS about 250 MB)
 * with the byte-bounded caches (functions/render/render-parts.ts, RELIABILITY.md item 8).
 */
export const RENDER_FUNCTION_SIZING = { memorySize: 1024, timeout: Duration.seconds(RENDER_TIMEOUT_SECONDS) } as const;

/**
 * The lifetimes of a download that renders on demand, from the outside in (fresh user 9, item 15: the
 * 30 s download function waited on the 60 s render function). A waiting caller must outlive what it
 * waits for: the HTTP API gives up on its integration after 29 s (the most CDK lets it be set to), so
 * the download function has 28 s; it waits on a render function of its own, whose cold start (Lambda
 * allows the init phase 10 s, outside the timeout) and 15 s timeout end before the download's, with
 * 3 s left for the download's own reads and presigning. A single document renders in a few seconds; the queue's render
 * function keeps 60 s for planning batches and parts.
 */
export const ON_DEMAND_LIFETIMES = {
  apiIntegrationSeconds: 29,
  downloadTimeout: Duration.seconds(28),
  renderInitSeconds: 10,
  renderTimeout: Duration.seconds(15),
} as const;

/** A message is tried this many times before it moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = RENDER_QUEUES.maxReceiveCount;

/**
 * How the function takes messages from the render queue (render requests, S3 notifications of changed
 * letter data). A deployment uploads a letter as several files and S3 sends a message for each:
 * waiting up to 5 s for up to 10 messages gathers them into one batch, in which the letter is planned
 * once. Planning only reads the letter and sends its parts to the part queue, so ten fit the timeout.
 */
export const RENDER_BATCH = { size: RENDER_QUEUES.changes.batchSize, window: Duration.seconds(RENDER_QUEUES.changes.windowSeconds) } as const;

/**
 * Most concurrent executions of each queue's consumer: together at most half the reserved
 * concurrency, so the queues never throttle the function (a throttled batch counts as a receive and
 * drifts to the dead-letter queue) and on-demand renders keep the other half. Planning is cheap: the
 * changes queue gets the least AWS allows (2); the part queue, which does the rendering, the rest.
 */
export function queueConcurrency(reservedConcurrency: number): { changes: number; parts: number } {
  const half = Math.floor(reservedConcurrency / 2);
  return { changes: 2, parts: Math.max(2, half - 2) };
}

export interface RenderPipelineProps {
  documents: DocumentsBucket;
  /** The variables both functions share (bucket, prefixes, locales, URL lifetimes, encryption). */
  environment: Record<string, string>;
  reservedConcurrency: number;
  /** The render function's runtime: see `LetterFunctionProps.runtime` (managed by default). */
  runtime?: "managed" | "snapshot";
  /** TESTS ONLY: see `LetterFunctionProps.codeOverride`. */
  codeOverride?: Code;
}

/**
 * The render function and everything that makes it run: the render queue (with its dead-letter
 * queue), the S3 notification that sends changed letter data under `data/` to that queue, and the
 * deployment of the repository's data/ folder to that prefix (which, through the queue, renders each
 * letter). The queue is the function's only trigger besides direct invocation.
 */
export class RenderPipeline extends Construct {
  readonly renderer: LetterFunction;
  /**
   * The same render code for one document at a time, invoked only by the download function, which
   * waits for it: its timeout fits inside the download's (`ON_DEMAND_LIFETIMES`). No queue, no part queue.
   */
  readonly onDemandRenderer: LetterFunction;
  readonly queue: Queue;
  /** One bounded part of a changed letter per message, one message per invocation (functions/render/render-parts.ts). */
  readonly partQueue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: RenderPipelineProps) {
    super(scope, id);
    const { documents } = props;

    this.renderer = new LetterFunction(this, "RenderFunction", {
      entry: "functions/render/handler.ts",
      description: "letterpress: renders a letter's documents into the documents bucket",
      ...RENDER_FUNCTION_SIZING,
      environment: { ...props.environment, NODE_OPTIONS: RENDER_NODE_OPTIONS },
      assets: { templates: true, fonts: true },
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(props.runtime ? { runtime: props.runtime } : {}),
      ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}),
    });
    const fn = this.renderer.function;
    // Reads letter data, reads and writes documents; nothing else in the bucket.
    documents.grantPrefixes(fn, { read: [PREFIXES.documents, PREFIXES.data], write: [PREFIXES.documents] });

    this.onDemandRenderer = new LetterFunction(this, "OnDemandRenderFunction", {
      entry: "functions/render/handler.ts",
      description: "letterpress: renders one missing document for the download function, which waits for it",
      memorySize: RENDER_FUNCTION_SIZING.memorySize,
      timeout: ON_DEMAND_LIFETIMES.renderTimeout,
      environment: { ...props.environment, NODE_OPTIONS: RENDER_NODE_OPTIONS },
      assets: { templates: true, fonts: true },
      ...(props.runtime ? { runtime: props.runtime } : {}),
      ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}),
    });
    documents.grantPrefixes(this.onDemandRenderer.function, { read: [PREFIXES.documents, PREFIXES.data], write: [PREFIXES.documents] });

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", { ...secureQueueProps(), retentionPeriod: RETENTION.deadLetters });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the dead-letter queue of the render queue; a dead-letter queue of its own would only move the problem.",
    });
    this.queue = new Queue(this, "Queue", {
      ...secureQueueProps(),
      // AWS's advice for a Lambda event source: at least six times the function timeout, plus the batching window.
      visibilityTimeout: Duration.seconds(RENDER_FUNCTION_SIZING.timeout.toSeconds() * 6 + RENDER_BATCH.window.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const concurrency = queueConcurrency(props.reservedConcurrency);
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: RENDER_BATCH.size,
        maxBatchingWindow: RENDER_BATCH.window,
        reportBatchItemFailures: true,
        maxConcurrency: concurrency.changes,
      }),
    );

    // The parts of a changed letter: one per invocation, so no invocation renders more than a part.
    // A part that keeps failing ends in the same dead-letter queue (and its alarm), its body naming it for a redrive.
    this.partQueue = new Queue(this, "PartQueue", {
      ...secureQueueProps(),
      visibilityTimeout: Duration.seconds(RENDER_FUNCTION_SIZING.timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    fn.addEventSource(new SqsEventSource(this.partQueue, { batchSize: RENDER_QUEUES.parts.batchSize, reportBatchItemFailures: true, maxConcurrency: concurrency.parts }));
    fn.addEnvironment(ENV.renderPartQueueUrl, this.partQueue.queueUrl);
    // Sends (SendMessage covers SendMessageBatch) to its part queue and nothing else; CDK's grantSendMessages would add GetQueueUrl/GetQueueAttributes.
    this.renderer.role.addToPrincipalPolicy(new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [this.partQueue.queueArn] }));

    // Through the queue, not straight to the function: a letter's files are rendered together, and a
    // render that keeps failing ends in the dead-letter queue (and its alarm) instead of being dropped.
    // Only this bucket, in this account, may send, and only messages (BucketToQueue).
    documents.bucket.addEventNotification(EventType.OBJECT_CREATED, new BucketToQueue(this.queue), { prefix: PREFIXES.data, suffix: ".json" });

    const deployment = new BucketDeployment(this, "LetterData", {
      // Links left out, as the local readers skip them: the bucket holds the files they read.
      sources: [Source.asset(join(REPO_ROOT, "data"), { exclude: symbolicLinksUnder(join(REPO_ROOT, "data")) })],
      // Its helper may list, put and delete under data/ only, not everywhere in the bucket.
      destinationBucket: documents.deploymentDestination(PREFIXES.data),
      destinationKeyPrefix: PREFIXES.data,
      // The repository is the source of truth for letter data: a letter deleted there goes here too.
      prune: true,
      memoryLimit: 256,
    });
    acknowledgeCdkHelpers(Stack.of(this), deployment, documents);
  }
}

/**
 * The two helper functions CDK adds to the stack (the BucketDeployment copier and the S3
 * notifications configurator) are CDK's own code; these are their findings, with reasons.
 */
function acknowledgeCdkHelpers(stack: Stack, deployment: BucketDeployment, _documents: DocumentsBucket): void {
  Validations.of(deployment.handlerRole).acknowledge(
    {
      id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]",
      reason: "CDK's BucketDeployment helper reads the data/ asset zip from the CDK bootstrap assets bucket, whose keys are content hashes.",
    },
    {
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason: "CDK's BucketDeployment helper (deploy time only) uses the basic execution policy for its own logs.",
    },
    {
      id: "AwsSolutions-IAM5[Action::s3:GetObject*]",
      reason: "CDK's BucketDeployment helper reads its source asset from the CDK assets bucket with CDK's own grant.",
    },
    {
      id: "AwsSolutions-IAM5[Action::s3:GetBucket*]",
      reason: "CDK's BucketDeployment helper reads its source asset from the CDK assets bucket with CDK's own grant.",
    },
    {
      id: "AwsSolutions-IAM5[Action::s3:List*]",
      reason: "CDK's BucketDeployment helper lists its source asset in the CDK assets bucket with CDK's own grant (the destination is listed under data/ only).",
    },
  );
  const copier = stack.node.children.find((child) => child.node.id.startsWith("Custom::CDKBucketDeployment"));
  if (copier) {
    Validations.of(copier).acknowledge({ id: "AwsSolutions-L1", reason: "CDK's BucketDeployment helper runtime is chosen by aws-cdk-lib and upgrades with it." });
  }
  const notifications = stack.node.children.find((child) => child.node.id.startsWith("BucketNotificationsHandler"));
  if (notifications) {
    Validations.of(notifications).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason: "CDK's S3 notifications helper (deploy time only) uses the basic execution policy for its own logs.",
    });
  }
}
