import * as z from "zod";
import { LetterpressError } from "./core/errors";
import { type AllowedLocales, localeIdSchema } from "./core/locales";
import { DEFAULTS, ENV, PRESIGN_MAX_SECONDS, SHARE_LIFETIME_LIMIT_SECONDS } from "./deployment-contract";

// Names, defaults and limits are shared with infra and the local server; they live in one small module.
export { DEFAULTS, ENV, PRESIGN_MAX_SECONDS } from "./deployment-contract";

const prefix = z.string().regex(/^[a-z0-9][a-z0-9-]*\/$/, { error: "expected a key prefix such as data/ (lowercase, ending with /)" });
const seconds = z.coerce.number().int().min(1).max(PRESIGN_MAX_SECONDS);

/** SHARE_MAX_LIFETIME_SECONDS: the longest lifetime of a share link (the download function's and the key rotation's). */
export const shareMaxLifetimeSchema = z.coerce
  .number()
  .int({ error: "expected a whole number of seconds" })
  .min(60, { error: "expected at least 60 seconds" })
  .max(SHARE_LIFETIME_LIMIT_SECONDS, { error: `expected at most ${SHARE_LIFETIME_LIMIT_SECONDS} seconds (90 days)` })
  .default(DEFAULTS.shareLifetime.maxSeconds);

/** An environment read by `schema`, or CONFIG_ERROR naming every variable that is missing or malformed. */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new LetterpressError("CONFIG_ERROR", `invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}

const configSchema = z
  .object({
    [ENV.documentsBucket]: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected an S3 bucket name" }),
    [ENV.dataPrefix]: prefix.default(DEFAULTS.dataPrefix),
    // Unset: every language the data and templates have, so adding a language needs no deployment change.
    [ENV.allowedLocales]: z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.split(",").map((item) => item.trim())))
      .pipe(z.array(localeIdSchema).min(1).optional()),
    [ENV.urlLifetimeDefault]: seconds.default(DEFAULTS.urlLifetime.defaultSeconds),
    [ENV.urlLifetimeMax]: seconds.default(DEFAULTS.urlLifetime.maxSeconds),
    [ENV.encryption]: z.enum(["s3", "kms", "none"]).default("s3"),
    [ENV.kmsKeyId]: z.string().min(1).optional(),
    [ENV.renderFunctionName]: z.string().min(1).optional(),
    [ENV.renderPartQueueUrl]: z.url({ protocol: /^https$/, error: "expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)" }).optional(),
    [ENV.s3Endpoint]: z.url({ protocol: /^https?$/ }).optional(),
    [ENV.region]: z.string().min(1).default(DEFAULTS.region),
    [ENV.templatesDir]: z.string().min(1).optional(),
    [ENV.fontsDir]: z.string().min(1).optional(),
    // A secret's name or ARN, as Secrets Manager accepts them.
    [ENV.shareKeysSecretId]: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, { error: "expected a Secrets Manager secret name or ARN" })
      .optional(),
    [ENV.shareLinkBaseUrl]: z
      .url({ protocol: /^https?$/, error: "expected the API's public base URL, such as https://abc123.execute-api.eu-west-1.amazonaws.com/" })
      .refine((value) => !/[?#]/.test(value), { error: "expected a base URL without query or fragment" })
      .optional(),
    [ENV.shareMaxLifetime]: shareMaxLifetimeSchema,
    // People's sign-in page (the people API with its Cognito user pool): both or neither.
    [ENV.signInDomainUrl]: z
      .url({ protocol: /^https$/, error: "expected the hosted UI's https:// base URL, such as https://letters.auth.eu-west-1.amazoncognito.com" })
      .refine((value) => new URL(value).pathname === "/" && !/[?#]/.test(value), { error: "expected a base URL without path, query or fragment" })
      .optional(),
    [ENV.signInClientId]: z
      .string()
      .regex(/^[A-Za-z0-9+]{1,128}$/, { error: "expected a user pool app client id" })
      .optional(),
    // Set by Lambda itself, not by infra.
    AWS_LAMBDA_INITIALIZATION_TYPE: z.string().optional(),
  })
  .refine((env) => env[ENV.urlLifetimeDefault] <= env[ENV.urlLifetimeMax], {
    error: `${ENV.urlLifetimeDefault} must not exceed ${ENV.urlLifetimeMax}`,
  })
  .refine((env) => env[ENV.encryption] !== "kms" || env[ENV.kmsKeyId], { error: `${ENV.kmsKeyId} is required when ${ENV.encryption}=kms` })
  // Share links need both: a key to sign with and a URL to point at. Neither means share links are off.
  .refine((env) => !env[ENV.shareKeysSecretId] || env[ENV.shareLinkBaseUrl], { error: `${ENV.shareLinkBaseUrl} is required when ${ENV.shareKeysSecretId} is set` })
  .refine((env) => !env[ENV.shareLinkBaseUrl] || env[ENV.shareKeysSecretId], { error: `${ENV.shareKeysSecretId} is required when ${ENV.shareLinkBaseUrl} is set` })
  .refine((env) => !env[ENV.signInDomainUrl] === !env[ENV.signInClientId], { error: `${ENV.signInDomainUrl} and ${ENV.signInClientId} go together (both or neither)` });

export interface FunctionConfig {
  bucket: string;
  dataPrefix: string;
  allowedLocales: AllowedLocales;
  urlLifetime: { defaultSeconds: number; maxSeconds: number };
  encryption: { mode: "s3" | "kms" | "none"; kmsKeyId?: string };
  renderFunctionName?: string;
  /** The render function's part queue (see functions/render/render-parts.ts); set on the render function only. */
  renderPartQueueUrl?: string;
  s3: { region: string; endpoint?: string };
  assets: { templatesDir?: string; fontsDir?: string };
  /** Share links, when configured: the key ring's secret, where links point, their longest lifetime. */
  share?: { keysSecretId: string; linkBaseUrl: string; maxLifetimeSeconds: number };
  /** People's sign-in page (`GET /signin`), when configured: the hosted UI and the app client. */
  signIn?: { hostedUiUrl: string; clientId: string };
  /** An instance started for provisioned concurrency: nobody waits for its init, so it may warm every language up. */
  provisioned: boolean;
}

/** Reads the environment once, at start-up; a missing or malformed value fails then, naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): FunctionConfig {
  const value = parseEnvironment(configSchema, env);
  const keysSecretId = value[ENV.shareKeysSecretId];
  const linkBaseUrl = value[ENV.shareLinkBaseUrl];
  const hostedUiUrl = value[ENV.signInDomainUrl];
  const clientId = value[ENV.signInClientId];
  return {
    bucket: value[ENV.documentsBucket],
    dataPrefix: value[ENV.dataPrefix],
    allowedLocales: value[ENV.allowedLocales] ?? "all",
    urlLifetime: { defaultSeconds: value[ENV.urlLifetimeDefault], maxSeconds: value[ENV.urlLifetimeMax] },
    encryption: { mode: value[ENV.encryption], ...(value[ENV.kmsKeyId] ? { kmsKeyId: value[ENV.kmsKeyId] } : {}) },
    ...(value[ENV.renderFunctionName] ? { renderFunctionName: value[ENV.renderFunctionName] } : {}),
    ...(value[ENV.renderPartQueueUrl] ? { renderPartQueueUrl: value[ENV.renderPartQueueUrl] } : {}),
    s3: { region: value[ENV.region], ...(value[ENV.s3Endpoint] ? { endpoint: value[ENV.s3Endpoint] } : {}) },
    assets: { ...(value[ENV.templatesDir] ? { templatesDir: value[ENV.templatesDir] } : {}), ...(value[ENV.fontsDir] ? { fontsDir: value[ENV.fontsDir] } : {}) },
    ...(keysSecretId && linkBaseUrl ? { share: { keysSecretId, linkBaseUrl, maxLifetimeSeconds: value[ENV.shareMaxLifetime] } } : {}),
    ...(hostedUiUrl && clientId ? { signIn: { hostedUiUrl, clientId } } : {}),
    provisioned: value.AWS_LAMBDA_INITIALIZATION_TYPE === "provisioned-concurrency",
  };
}
