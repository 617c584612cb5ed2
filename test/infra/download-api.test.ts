import { Match } from "aws-cdk-lib/assertions";
import { logicalId, synthStack } from "./synth-stack";

const ROUTE = "GET /letters/{letterId}/{locale}/{format}";

describe("download API", () => {
  const { template, stack } = synthStack();

  it("is an HTTP API with one route, to the download function, payload format 2.0", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    template.resourceCountIs("AWS::ApiGatewayV2::Route", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: { "Fn::GetAtt": [logicalId(stack, stack.download.downloader.function), "Arn"] },
    });
  });

  it("requires IAM (SigV4) authorization by default", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: ROUTE, AuthorizationType: "AWS_IAM" });
    template.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
  });

  it("throttles the default stage and writes JSON access logs to a one-month log group", () => {
    const logsId = logicalId(stack, stack.download.accessLogs);
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: { "Fn::GetAtt": [logsId, "Arn"] }, Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it("takes throttling from context", () => {
    const custom = synthStack({ throttleRateLimit: "5", throttleBurstLimit: "10" });
    custom.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } });
  });

  it("with authorization=jwt, authorizes the route with a JWT authorizer for the issuer and audience", () => {
    const jwt = synthStack({ authorization: "jwt", jwtIssuer: "https://issuer.example.com/", jwtAudience: "letterpress,letterpress-admin" });
    jwt.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: { Issuer: "https://issuer.example.com/", Audience: ["letterpress", "letterpress-admin"] },
    });
    jwt.template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: ROUTE, AuthorizationType: "JWT", AuthorizerId: Match.anyValue() });
  });
});
