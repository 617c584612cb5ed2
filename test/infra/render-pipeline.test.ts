import { Match } from "aws-cdk-lib/assertions";
import { logicalId, synthStack } from "./synth-stack";

describe("render pipeline", () => {
  const { template, stack } = synthStack();
  const queueId = logicalId(stack, stack.render.queue);
  const dlqId = logicalId(stack, stack.render.deadLetterQueue);
  const renderId = logicalId(stack, stack.render.renderer.function);
  const bucketId = logicalId(stack, stack.documents.bucket);

  it("moves a message to the dead-letter queue after three receives", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 3 },
      // six times the render timeout plus the batching window, as AWS advises for a Lambda event source
      VisibilityTimeout: 365,
    });
  });

  it("encrypts both queues and denies them any request without TLS", () => {
    for (const id of [queueId, dlqId]) {
      expect(template.toJSON().Resources[id].Properties).toMatchObject({ SqsManagedSseEnabled: true });
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
      });
    }
    expect(template.toJSON().Resources[dlqId].Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it("keeps the render queue on SQS-managed keys with a KMS documents bucket too, so S3 can send to it without a key grant", () => {
    const kms = synthStack({ encryption: "kms" });
    const properties = kms.template.toJSON().Resources[logicalId(kms.stack, kms.stack.render.queue)].Properties;
    expect(properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(properties.KmsMasterKeyId).toBeUndefined();
  });

  it("consumes the queue in batches gathered for 5 s, with partial batch responses, below the reserved concurrency", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: renderId },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      // a deployment's eight notifications of one letter fit in one batch
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it("sends a notification to the render queue when letter data (*.json) is created under data/", () => {
    const notifications = Object.values(template.findResources("Custom::S3BucketNotifications"));
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.Properties).toMatchObject({ BucketName: { Ref: bucketId } });
    expect(notifications[0]!.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Events: ["s3:ObjectCreated:*"],
          Filter: {
            Key: {
              FilterRules: [
                { Name: "suffix", Value: ".json" },
                { Name: "prefix", Value: "data/" },
              ],
            },
          },
          QueueArn: { "Fn::GetAtt": [queueId, "Arn"] },
        },
      ],
    });
    // S3 checks it may send when the notification is set up: the queue policy must exist first.
    const [queuePolicyId] = Object.keys(template.findResources("AWS::SQS::QueuePolicy", { Properties: { Queues: [{ Ref: queueId }] } }));
    expect(notifications[0]!.DependsOn).toContain(queuePolicyId);
  });

  it("lets only the documents bucket send to the render queue, and nobody else anything", () => {
    const [policy, ...others] = Object.values(template.findResources("AWS::SQS::QueuePolicy", { Properties: { Queues: [{ Ref: queueId }] } }));
    expect(others).toEqual([]);
    const allowed = (policy!.Properties.PolicyDocument.Statement as { Effect: string }[]).filter((statement) => statement.Effect === "Allow");
    expect(allowed).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: { "Fn::GetAtt": [queueId, "Arn"] },
        Condition: { ArnLike: { "aws:SourceArn": { "Fn::GetAtt": [bucketId, "Arn"] } }, StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
      },
    ]);
  });

  it("is not invoked by S3 any more: no permission for s3.amazonaws.com, no asynchronous retries to configure", () => {
    expect(template.findResources("AWS::Lambda::Permission", { Properties: { Principal: "s3.amazonaws.com" } })).toEqual({});
    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
  });

  it("deploys the repository's data/ folder to the data/ prefix", () => {
    template.hasResourceProperties("Custom::CDKBucketDeployment", {
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: "data/",
      Prune: true,
    });
  });

  it("reserves the render concurrency given in context", () => {
    const custom = synthStack({ renderReservedConcurrency: "4" });
    const id = logicalId(custom.stack, custom.stack.render.renderer.function);
    expect(custom.template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBe(4);
    custom.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", { ScalingConfig: { MaximumConcurrency: 2 } });
  });
});
