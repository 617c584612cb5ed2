import { Duration, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { type CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, type IHttpRouteAuthorizer, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Code, IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { API_ROUTE_KEYS, ENV, SHARE_ROUTES, SHARES_PREFIX, splitRouteKey } from "../../functions/deployment-contract";
import type { Authorization, InfraConfig } from "../config";
import { FUNCTION_DEFAULTS, PREFIXES } from "../secure-defaults";
import type { DocumentsBucket } from "./documents-bucket";
import { LetterFunction } from "./letter-function";
import { ShareKeys } from "./share-keys";

export interface DownloadApiProps {
  documents: DocumentsBucket;
  /** The render function, invoked synchronously when a document is not stored yet. */
  renderFunction: IFunction;
  environment: Record<string, string>;
  authorization: Authorization;
  throttle: { rateLimit: number; burstLimit: number };
  shares: InfraConfig["shares"];
  /** TESTS ONLY: see `LetterFunctionProps.codeOverride`. */
  codeOverride?: Code;
}

/**
 * The download API: an HTTP API with one authorized, throttled, access-logged route in front of the
 * download function, which presigns GET URLs with its own (read-only) role and renders on demand by
 * invoking the render function.
 */
export class DownloadApi extends Construct {
  readonly downloader: LetterFunction;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly shareKeys: ShareKeys;

  constructor(scope: Construct, id: string, props: DownloadApiProps) {
    super(scope, id);
    this.downloader = new LetterFunction(this, "DownloadFunction", {
      entry: "functions/download/handler.ts",
      description: "letterpress: presigns download links (rendering missing documents on demand) and serves share links",
      memorySize: 256,
      // 10 s would do for presigning; an on-demand render waits for the render function (60 s at most,
      // a single document usually a few seconds), and the HTTP API itself gives up after 30 s.
      timeout: Duration.seconds(30),
      environment: { ...props.environment, [ENV.renderFunctionName]: props.renderFunction.functionName },
      // templates/messages word the refused-link pages; no fonts (it renders nothing itself).
      assets: { templates: true, fonts: false },
      ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}),
    });
    const fn = this.downloader.function;
    // Read-only on documents: a URL it signs can do nothing more than that. Shares (records and
    // revocations) are its own, under shares/: read and write there, and list it (a letter's shares;
    // and a 404, not a 403, for a revocation that does not exist).
    props.documents.grantPrefixes(fn, { read: [PREFIXES.documents, SHARES_PREFIX], write: [SHARES_PREFIX] });
    this.shareKeys = new ShareKeys(this, "ShareKeys");
    this.shareKeys.grantRead(fn);
    // grantInvoke would add `<arn>:*` (every version and alias); the unqualified function is all it calls.
    fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["lambda:InvokeFunction"], resources: [props.renderFunction.functionArn] }));

    this.api = new HttpApi(this, "Api", {
      description: "letterpress download links",
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, "AccessLogs", { retention: FUNCTION_DEFAULTS.logRetention });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // The route key, not the path: a path carries the letter and locale, the query the recipient.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            caller: props.authorization.kind === "iam" ? "$context.identity.userArn" : "$context.authorizer.claims.sub",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration("DownloadIntegration", fn);
    const authorizer = authorizerFor(props.authorization);
    for (const routeKey of API_ROUTE_KEYS) {
      const { method, path } = splitRouteKey(routeKey);
      const isPublic = routeKey === SHARE_ROUTES.open;
      const [route] = this.api.addRoutes({ path, methods: [HttpMethod[method]], integration, authorizer: isPublic ? new HttpNoneAuthorizer() : authorizer });
      if (isPublic) {
        Validations.of(route!).acknowledge({
          id: "AwsSolutions-APIG4",
          reason:
            "GET /s/{token} is the share link a colleague without AWS credentials opens: the signed token is the credential, checked by the function; the route has its own low throttling.",
        });
      }
    }
    // The open route's own limits (route-level throttling), below the stage's default. The L1
    // property is untyped: CloudFormation's own (PascalCase) names.
    (this.stage.node.defaultChild as CfnStage).routeSettings = {
      [SHARE_ROUTES.open]: { ThrottlingRateLimit: props.shares.openThrottle.rateLimit, ThrottlingBurstLimit: props.shares.openThrottle.burstLimit },
    };

    fn.addEnvironment(ENV.shareKeysSecretId, this.shareKeys.secret.secretArn);
    fn.addEnvironment(ENV.shareLinkBaseUrl, props.shares.linkBaseUrl ?? this.url);
    fn.addEnvironment(ENV.shareMaxLifetime, String(props.shares.maxLifetimeSeconds));
  }

  /** The base URL of the API (its `$default` stage). */
  get url(): string {
    return `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/`;
  }
}

function authorizerFor(authorization: Authorization): IHttpRouteAuthorizer {
  if (authorization.kind === "jwt") {
    return new HttpJwtAuthorizer("JwtAuthorizer", authorization.issuer, { jwtAudience: authorization.audience });
  }
  return new HttpIamAuthorizer();
}
