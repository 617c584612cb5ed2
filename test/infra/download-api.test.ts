import { Match } from "aws-cdk-lib/assertions";
import { logicalId, synthStack } from "./synth-stack";

const ROUTE = "GET /letters/{letterId}/{locale}/{format}";
/** "GET /" is the letters page: for people, authorized like the rest (JWT for people, or IAM), never public. */
const AUTHORIZED_ROUTES = [ROUTE, "POST /letters/{letterId}/{locale}/{format}/shares", "GET /letters/{letterId}/shares", "DELETE /shares/{id}", "GET /"];
const OPEN_ROUTE = "GET /s/{token}";

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

describe("download API", () => {
  const { template, stack } = synthStack();

  const routes = () => Object.values(template.findResources("AWS::ApiGatewayV2::Route") as Resources).map((route) => route.Properties);

  it("is an HTTP API with the download route, the four share routes and the letters page, all to the download function, payload format 2.0", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    expect(
      routes()
        .map((route) => route.RouteKey)
        .sort(),
    ).toEqual([...AUTHORIZED_ROUTES, OPEN_ROUTE].sort());
    template.resourceCountIs("AWS::ApiGatewayV2::Integration", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: { "Fn::GetAtt": [logicalId(stack, stack.download.downloader.function), "Arn"] },
    });
  });

  it("requires IAM (SigV4) authorization by default on every route but the share link, which is open", () => {
    for (const route of routes()) expect([route.RouteKey, route.AuthorizationType]).toEqual([route.RouteKey, route.RouteKey === OPEN_ROUTE ? "NONE" : "AWS_IAM"]);
    template.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
  });

  it("serves the letters page (GET /) from the download function behind the API's authorization, never public: IAM by default, JWT for people when configured", () => {
    const page = routes().find((route) => route.RouteKey === "GET /");
    expect(page).toMatchObject({ AuthorizationType: "AWS_IAM" });
    expect(page!.Target).toEqual(routes().find((route) => route.RouteKey === ROUTE)!.Target);
    const jwt = synthStack({ authorization: "jwt", jwtIssuer: "https://issuer.example.com/", jwtAudience: "letterpress" });
    const jwtPage = Object.values(jwt.template.findResources("AWS::ApiGatewayV2::Route") as Resources).find((route) => route.Properties.RouteKey === "GET /");
    expect(jwtPage!.Properties).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: expect.anything() });
  });

  it("throttles the open share-link route on its own, below the stage's default", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { RouteSettings: { [OPEN_ROUTE]: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } } });
    const custom = synthStack({ shareOpenRateLimit: "2", shareOpenBurstLimit: "3" });
    custom.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { RouteSettings: { [OPEN_ROUTE]: { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 } } });
    expect(() => synthStack({ shareOpenRateLimit: "10", shareOpenBurstLimit: "3" })).toThrow(/shareOpenBurstLimit/);
  });

  it("keeps the share key ring in a generated, retained Secrets Manager secret that only the download function's role may read", () => {
    const secretId = logicalId(stack, stack.download.shareKeys.secret);
    template.hasResource("AWS::SecretsManager::Secret", {
      DeletionPolicy: "Retain",
      Properties: {
        GenerateSecretString: { SecretStringTemplate: '{"current":"k1"}', GenerateStringKey: "k1", PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
    });
    const policies = Object.values(template.findResources("AWS::IAM::Policy") as Resources);
    const readers = policies.filter((policy) => JSON.stringify(policy.Properties["PolicyDocument"]).includes(`"${secretId}"`));
    expect(readers.map((policy) => policy.Properties["Roles"])).toEqual([[{ Ref: logicalId(stack, stack.download.downloader.role) }]]);
    expect(readers[0]!.Properties["PolicyDocument"].Statement.filter((statement: unknown) => JSON.stringify(statement).includes(secretId))).toEqual([
      { Action: "secretsmanager:GetSecretValue", Effect: "Allow", Resource: { Ref: secretId } },
    ]);
    // No resource policy opens it to anyone else.
    template.resourceCountIs("AWS::SecretsManager::ResourcePolicy", 0);
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
    const jwtRoutes = Object.values(jwt.template.findResources("AWS::ApiGatewayV2::Route") as Resources).map((route) => route.Properties);
    for (const routeKey of AUTHORIZED_ROUTES)
      expect(jwtRoutes.find((route) => route.RouteKey === routeKey)).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: expect.anything() });
    expect(jwtRoutes.find((route) => route.RouteKey === OPEN_ROUTE)).toMatchObject({ AuthorizationType: "NONE" });
    expect(jwtRoutes.find((route) => route.RouteKey === OPEN_ROUTE)!.AuthorizerId).toBeUndefined();
  });
});
