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
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  describe("the part queue: a changed letter's bounded parts", () => {
    const partQueueId = logicalId(stack, stack.render.partQueue);

    it("gives the function one part per invocation, with partial batch responses, the two consumers together within half the reserved concurrency", () => {
      const mapping = Object.values(template.findResources("AWS::Lambda::EventSourceMapping", { Properties: { EventSourceArn: { "Fn::GetAtt": [partQueueId, "Arn"] } } }));
      expect(mapping).toHaveLength(1);
      expect(mapping[0]!.Properties).toEqual({
        EventSourceArn: { "Fn::GetAtt": [partQueueId, "Arn"] },
        FunctionName: { Ref: renderId },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 3 },
      });
    });

    it("dead-letters a part after three receives into the render dead-letter queue (its alarm), hides a part six timeouts long, and is encrypted and TLS-only", () => {
      expect(template.toJSON().Resources[partQueueId].Properties).toEqual({
        RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 3 },
        VisibilityTimeout: 360,
        SqsManagedSseEnabled: true,
      });
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: partQueueId }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
      });
    });

    it("lets nobody but its own account's principals use it: its policy only denies requests without TLS", () => {
      const policies = Object.values(template.findResources("AWS::SQS::QueuePolicy", { Properties: { Queues: [{ Ref: partQueueId }] } }));
      expect(policies).toHaveLength(1);
      expect((policies[0]!.Properties.PolicyDocument.Statement as { Effect: string }[]).map((statement) => statement.Effect)).toEqual(["Deny"]);
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
    // Both consumers at the least AWS allows.
    const mappings = Object.values(custom.template.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings.map((mapping) => mapping.Properties.ScalingConfig)).toEqual([{ MaximumConcurrency: 2 }, { MaximumConcurrency: 2 }]);
    const large = synthStack({ renderReservedConcurrency: "40" });
    const scaling = Object.values(large.template.findResources("AWS::Lambda::EventSourceMapping")).map((mapping) => mapping.Properties.ScalingConfig.MaximumConcurrency);
    expect(scaling).toEqual([2, 18]);
  });
});
