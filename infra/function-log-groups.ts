import { CfnResource, type IAspect, RemovalPolicy } from "aws-cdk-lib";
import { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import type { Construct, IConstruct } from "constructs";
import { FUNCTION_DEFAULTS } from "./secure-defaults";

/**
 * Gives every Lambda function of the stack that has no log group of its own one with the functions'
 * retention, by its `LoggingConfig`. Our functions make theirs (`LetterFunction`); CDK's helpers
 * (BucketDeployment's, the bucket notifications handler, any custom-resource provider a construct adds
 * later) make none, and Lambda's implicit `/aws/lambda/<name>` group never expires (fresh user 9,
 * item 15). An aspect, so a helper added later is covered without anyone remembering it.
 */
export class FunctionLogGroups implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnFunction) {
      if (node.loggingConfig !== undefined) return;
      node.loggingConfig = { logGroup: logGroupBeside(node).logGroupName };
    } else if (CfnResource.isCfnResource(node) && node.cfnResourceType === "AWS::Lambda::Function") {
      // A function written as a plain CfnResource (CDK's BucketNotificationsHandler): it sets no LoggingConfig.
      node.addPropertyOverride("LoggingConfig.LogGroup", logGroupBeside(node).logGroupName);
    }
  }
}

function logGroupBeside(fn: CfnResource): LogGroup {
  return new LogGroup(fn.node.scope as Construct, `${fn.node.id}Logs`, { retention: FUNCTION_DEFAULTS.logRetention, removalPolicy: RemovalPolicy.DESTROY });
}
