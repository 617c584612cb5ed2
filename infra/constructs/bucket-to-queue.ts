import { Stack } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { BucketNotificationDestinationType, type BucketNotificationDestinationConfig, type IBucket, type IBucketNotificationDestination } from "aws-cdk-lib/aws-s3";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * S3 event notifications of one bucket into a queue, allowed exactly: `sqs:SendMessage` for
 * s3.amazonaws.com on behalf of this bucket (aws:SourceArn) in this account (aws:SourceAccount).
 * CDK's SqsDestination also grants GetQueueAttributes and GetQueueUrl and leaves out the account
 * condition. The queue must use SQS-managed encryption: a KMS key would need a key policy for S3.
 */
export class BucketToQueue implements IBucketNotificationDestination {
  constructor(private readonly queue: IQueue) {}

  bind(scope: Construct, bucket: IBucket): BucketNotificationDestinationConfig {
    if (this.queue.encryptionMasterKey) throw new Error("BucketToQueue: the queue is encrypted with a KMS key; S3 could not send to it");
    const added = this.queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("s3.amazonaws.com")],
        actions: ["sqs:SendMessage"],
        resources: [this.queue.queueArn],
        conditions: { ArnLike: { "aws:SourceArn": bucket.bucketArn }, StringEquals: { "aws:SourceAccount": Stack.of(scope).account } },
      }),
    );
    // S3 checks that it may send when the notification is configured: the policy must exist first.
    return { arn: this.queue.queueArn, type: BucketNotificationDestinationType.QUEUE, dependencies: added.policyDependable ? [added.policyDependable] : [this.queue] };
  }
}
