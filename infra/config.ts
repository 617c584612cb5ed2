import type { Node } from "constructs";
import { z } from "zod";
import { DEFAULTS, PRESIGN_MAX_SECONDS, SHARE_LIFETIME_LIMIT_SECONDS } from "../functions/deployment-contract";
import { type AllowedLocales, localeIdSchema } from "../functions/core/locales";

/**
 * The deployment's settings, read from CDK context (`cdk.json` "context" or `-c key=value`) and
 * validated before any resource is created. Context values given with `-c` arrive as strings, so
 * numbers and lists are coerced; an invalid value fails naming its context key.
 */
export const CONTEXT_KEYS = {
  stage: "stage",
  allowedLocales: "allowedLocales",
  urlTtlDefault: "urlTtlDefault",
  urlTtlMax: "urlTtlMax",
  encryption: "encryption",
  /** Replaced by peopleSignIn (tools always call the IAM API): refused with a message saying so. */
  authorization: "authorization",
  peopleSignIn: "peopleSignIn",
  jwtIssuer: "jwtIssuer",
  jwtAudience: "jwtAudience",
  signInCallbackUrls: "signInCallbackUrls",
  signInDomainPrefix: "signInDomainPrefix",
  signInTokenMinutes: "signInTokenMinutes",
  renderReservedConcurrency: "renderReservedConcurrency",
  renderRuntime: "renderRuntime",
  throttleRateLimit: "throttleRateLimit",
  throttleBurstLimit: "throttleBurstLimit",
  alarmEmail: "alarmEmail",
  shareMaxLifetimeSeconds: "shareMaxLifetimeSeconds",
  shareLinkBaseUrl: "shareLinkBaseUrl",
  shareOpenRateLimit: "shareOpenRateLimit",
  shareOpenBurstLimit: "shareOpenBurstLimit",
  shareRefusedAlarmThreshold: "shareRefusedAlarmThreshold",
  account: "account",
  region: "region",
} as const;

/** A comma-separated string (from `-c`) or a JSON array (from cdk.json), as a list of trimmed items. */
const list = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== "")
      : value,
  z.array(z.string()),
);
const seconds = z.coerce
  .number()
  .int()
  .min(1)
  .max(PRESIGN_MAX_SECONDS, {
    error: `must be at most ${PRESIGN_MAX_SECONDS} seconds (7 days, the longest lifetime S3 accepts for a presigned URL)`,
  });
const positiveInt = z.coerce.number().int().min(1);

const K = CONTEXT_KEYS;

const contextSchema = z
  .object({
    [K.stage]: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, { error: "expected 1-20 of a-z, 0-9 and '-', starting with a letter" })
      .default("dev"),
    // Absent: every language the data has (the functions read an unset ALLOWED_LOCALES as "all").
    [K.allowedLocales]: list.pipe(z.array(localeIdSchema).min(1)).optional(),
    [K.urlTtlDefault]: seconds.default(DEFAULTS.urlLifetime.defaultSeconds),
    [K.urlTtlMax]: seconds.default(DEFAULTS.urlLifetime.maxSeconds),
    [K.encryption]: z.enum(["s3", "kms"]).default("s3"),
    [K.authorization]: z
      .undefined({
        error: `was replaced: tools always call the IAM-authorized API; set ${K.peopleSignIn}=cognito (the default) or ${K.peopleSignIn}=jwt with ${K.jwtIssuer} and ${K.jwtAudience} for people`,
      })
      .optional(),
    // How people sign in to the people API: the stack's own Cognito user pool, or an external issuer.
    [K.peopleSignIn]: z.enum(["cognito", "jwt"]).default("cognito"),
    [K.jwtIssuer]: z.url({ protocol: /^https$/ }).optional(),
    [K.jwtAudience]: list.pipe(z.array(z.string().min(1)).min(1)).optional(),
    // Where the hosted UI may send people back: the sign-in page's URL(s). Default: the people API's /signin.
    [K.signInCallbackUrls]: list
      .pipe(
        z
          .array(
            z.url({ protocol: /^https$/, error: "expected an https:// URL (the sign-in page's address)" }).refine((url) => !/[?#]/.test(url), {
              error: "expected a URL without query or fragment",
            }),
          )
          .min(1),
      )
      .optional(),
    // The hosted UI's domain prefix: <prefix>.auth.<region>.amazoncognito.com (globally unique per region).
    [K.signInDomainPrefix]: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: "expected 1-63 of a-z, 0-9 and '-', not starting or ending with '-'" })
      .refine((value) => !/aws|amazon|cognito/.test(value), { error: "must not contain aws, amazon or cognito (Cognito refuses them)" })
      .optional(),
    // A signed-in person's access and ID tokens live this long (and the page with them); Cognito allows 5-1440.
    [K.signInTokenMinutes]: positiveInt.min(5).max(60, { error: "must be at most 60 minutes (a token lost stays usable that long)" }).default(60),
    // Leaves account concurrency for everything else and bounds the cost of a flood of render requests.
    [K.renderReservedConcurrency]: positiveInt.min(4, { error: "must be at least 4 (the two queue consumers need two concurrent executions each)" }).max(1000).default(10),
    // "snapshot": the render function on a custom runtime started from a V8 startup snapshot (infra/bundling/snapshot/); opt-in.
    [K.renderRuntime]: z.enum(["managed", "snapshot"]).default("managed"),
    [K.throttleRateLimit]: positiveInt.max(10_000).default(20),
    [K.throttleBurstLimit]: positiveInt.max(5_000).default(40),
    [K.alarmEmail]: z.email().optional(),
    [K.shareMaxLifetimeSeconds]: z.coerce
      .number()
      .int()
      .min(60)
      .max(SHARE_LIFETIME_LIMIT_SECONDS, { error: `must be at most ${SHARE_LIFETIME_LIMIT_SECONDS} seconds (90 days)` })
      .default(DEFAULTS.shareLifetime.maxSeconds),
    // A custom domain in front of the API; the API's own URL by default.
    [K.shareLinkBaseUrl]: z.url({ protocol: /^https$/ }).optional(),
    // GET /s/{token} is open to anyone: its own, lower limits.
    [K.shareOpenRateLimit]: positiveInt.max(1_000).default(5),
    [K.shareOpenBurstLimit]: positiveInt.max(1_000).default(10),
    // Refused links (expired, revoked, tampered...) in 5 minutes above which the alarm topic hears of it.
    [K.shareRefusedAlarmThreshold]: positiveInt.max(100_000).default(50),
    [K.account]: z
      .string()
      .regex(/^\d{12}$/, { error: "expected a 12-digit AWS account id" })
      .optional(),
    [K.region]: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "expected an AWS region such as eu-west-1" })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value[K.urlTtlDefault] > value[K.urlTtlMax]) {
      ctx.addIssue({ code: "custom", path: [K.urlTtlDefault], message: `must not exceed ${K.urlTtlMax} (${value[K.urlTtlMax]})` });
    }
    if (value[K.peopleSignIn] === "jwt") {
      if (!value[K.jwtIssuer]) ctx.addIssue({ code: "custom", path: [K.jwtIssuer], message: `is required when ${K.peopleSignIn}=jwt` });
      if (!value[K.jwtAudience]) ctx.addIssue({ code: "custom", path: [K.jwtAudience], message: `is required when ${K.peopleSignIn}=jwt` });
    } else {
      if (!value[K.signInDomainPrefix] && /aws|amazon|cognito/.test(value[K.stage]))
        ctx.addIssue({
          code: "custom",
          path: [K.signInDomainPrefix],
          message: `is required for stage "${value[K.stage]}": the default letterpress-<stage>-<account> would contain aws, amazon or cognito, which Cognito refuses`,
        });
      for (const key of [K.jwtIssuer, K.jwtAudience] as const)
        if (value[key]) ctx.addIssue({ code: "custom", path: [key], message: `is only for ${K.peopleSignIn}=jwt (with cognito the stack's own user pool issues the tokens)` });
    }
    if (value[K.shareOpenBurstLimit] < value[K.shareOpenRateLimit]) {
      ctx.addIssue({ code: "custom", path: [K.shareOpenBurstLimit], message: `must be at least ${K.shareOpenRateLimit} (${value[K.shareOpenRateLimit]})` });
    }
    if (value[K.throttleBurstLimit] < value[K.throttleRateLimit]) {
      ctx.addIssue({ code: "custom", path: [K.throttleBurstLimit], message: `must be at least ${K.throttleRateLimit} (${value[K.throttleRateLimit]})` });
    }
  });

export type Locale = string;

/**
 * How people sign in to the people API (tools always call the IAM-authorized API): the stack's own
 * Cognito user pool and hosted UI, or an external issuer whose front adds the token itself.
 */
export type PeopleSignIn =
  | {
      kind: "cognito";
      /** Where the hosted UI may send people back; the people API's /signin when unset. */
      callbackUrls?: string[];
      domainPrefix?: string;
      tokenMinutes: number;
    }
  | { kind: "jwt"; issuer: string; audience: string[] };

export interface InfraConfig {
  stage: string;
  allowedLocales: AllowedLocales;
  urlLifetime: { defaultSeconds: number; maxSeconds: number };
  encryption: "s3" | "kms";
  peopleSignIn: PeopleSignIn;
  renderReservedConcurrency: number;
  /** "managed": Node.js 22 (the default); "snapshot": provided.al2023, node from a startup snapshot of the render code. */
  renderRuntime: "managed" | "snapshot";
  throttle: { rateLimit: number; burstLimit: number };
  alarmEmail?: string;
  /** Share links: longest lifetime, optional public base URL, the open route's throttling, the refused-links alarm. */
  shares: { maxLifetimeSeconds: number; linkBaseUrl?: string; openThrottle: { rateLimit: number; burstLimit: number }; refusedAlarmThreshold: number };
  /** Set only when both account and region are given: otherwise the stack is environment-agnostic. */
  env?: { account: string; region: string };
}

/** Raised for an invalid context value; the message names each offending key. */
export class InfraConfigError extends Error {
  override readonly name = "InfraConfigError";
}

/** What a setting expects, in words: zod's enum message ("Invalid option: expected one of "s3"|"kms"") is rewritten as a list. */
function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value" && issue.values.length > 0) return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
  if (issue.code === "invalid_type" && issue.expected === "number") return "expected a whole number";
  return issue.message;
}

/**
 * Validates the context for the CDK app's entry: a bad value is printed as one line naming the
 * setting, the value and what is expected, and the process exits 1 (a stack trace would bury it).
 */
export function readInfraConfigOrExit(node: Node, report: (line: string) => void = (line) => console.error(line)): InfraConfig {
  try {
    return readInfraConfig(node);
  } catch (error) {
    if (!(error instanceof InfraConfigError)) throw error;
    report(`error: ${error.message}`);
    process.exit(1);
  }
}

/** Validates raw context values (as `node.tryGetContext` returns them) into the typed configuration. */
export function parseInfraConfig(raw: Partial<Record<keyof typeof CONTEXT_KEYS, unknown>>): InfraConfig {
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "context");
      return `context key "${key}": ${expectation(issue)} (got ${JSON.stringify(raw[key as keyof typeof CONTEXT_KEYS]) ?? "nothing"})`;
    });
    throw new InfraConfigError(`invalid CDK context (cdk.json "context" or -c key=value): ${problems.join("; ")}`);
  }
  const v = result.data;
  if ((v.account === undefined) !== (v.region === undefined)) {
    throw new InfraConfigError(`invalid CDK context: context keys "${K.account}" and "${K.region}" must be given together (or neither, for an environment-agnostic stack)`);
  }
  return {
    stage: v.stage,
    allowedLocales: v.allowedLocales ?? "all",
    urlLifetime: { defaultSeconds: v.urlTtlDefault, maxSeconds: v.urlTtlMax },
    encryption: v.encryption,
    peopleSignIn:
      v.peopleSignIn === "jwt"
        ? { kind: "jwt", issuer: v.jwtIssuer!, audience: v.jwtAudience! }
        : {
            kind: "cognito",
            tokenMinutes: v.signInTokenMinutes,
            ...(v.signInCallbackUrls ? { callbackUrls: v.signInCallbackUrls } : {}),
            ...(v.signInDomainPrefix ? { domainPrefix: v.signInDomainPrefix } : {}),
          },
    renderReservedConcurrency: v.renderReservedConcurrency,
    renderRuntime: v.renderRuntime,
    throttle: { rateLimit: v.throttleRateLimit, burstLimit: v.throttleBurstLimit },
    ...(v.alarmEmail ? { alarmEmail: v.alarmEmail } : {}),
    shares: {
      maxLifetimeSeconds: v.shareMaxLifetimeSeconds,
      ...(v.shareLinkBaseUrl ? { linkBaseUrl: v.shareLinkBaseUrl.endsWith("/") ? v.shareLinkBaseUrl : `${v.shareLinkBaseUrl}/` } : {}),
      openThrottle: { rateLimit: v.shareOpenRateLimit, burstLimit: v.shareOpenBurstLimit },
      refusedAlarmThreshold: v.shareRefusedAlarmThreshold,
    },
    ...(v.account && v.region ? { env: { account: v.account, region: v.region } } : {}),
  };
}

/** Reads every context key from a construct node (normally the App's) and validates them. */
export function readInfraConfig(node: Node): InfraConfig {
  const raw = Object.fromEntries(Object.keys(CONTEXT_KEYS).map((key) => [key, node.tryGetContext(key)]));
  return parseInfraConfig(raw);
}
