import { z } from "zod";
import { LetterpressError } from "./core/errors";
import { type AllowedLocales, localeIdSchema } from "./core/locales";
import { DEFAULTS, ENV, PRESIGN_MAX_SECONDS } from "./deployment-contract";

// Names, defaults and limits are shared with infra and the local server; they live in one small module.
export { DEFAULTS, ENV, PRESIGN_MAX_SECONDS } from "./deployment-contract";

const prefix = z.string().regex(/^[a-z0-9][a-z0-9-]*\/$/, { error: "expected a key prefix such as data/ (lowercase, ending with /)" });
const seconds = z.coerce.number().int().min(1).max(PRESIGN_MAX_SECONDS);

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
    [ENV.s3Endpoint]: z.url({ protocol: /^https?$/ }).optional(),
    [ENV.region]: z.string().min(1).default(DEFAULTS.region),
    [ENV.templatesDir]: z.string().min(1).optional(),
    [ENV.fontsDir]: z.string().min(1).optional(),
    // Set by Lambda itself, not by infra.
    AWS_LAMBDA_INITIALIZATION_TYPE: z.string().optional(),
  })
  .refine((env) => env[ENV.urlLifetimeDefault] <= env[ENV.urlLifetimeMax], {
    error: `${ENV.urlLifetimeDefault} must not exceed ${ENV.urlLifetimeMax}`,
  })
  .refine((env) => env[ENV.encryption] !== "kms" || env[ENV.kmsKeyId], { error: `${ENV.kmsKeyId} is required when ${ENV.encryption}=kms` });

export interface FunctionConfig {
  bucket: string;
  dataPrefix: string;
  allowedLocales: AllowedLocales;
  urlLifetime: { defaultSeconds: number; maxSeconds: number };
  encryption: { mode: "s3" | "kms" | "none"; kmsKeyId?: string };
  renderFunctionName?: string;
  s3: { region: string; endpoint?: string };
  assets: { templatesDir?: string; fontsDir?: string };
  /** An instance started for provisioned concurrency: nobody waits for its init, so it may warm every language up. */
  provisioned: boolean;
}

/** Reads the environment once, at start-up; a missing or malformed value fails then, naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): FunctionConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new LetterpressError("CONFIG_ERROR", `invalid configuration: ${problems.join("; ")}`);
  }
  const value = result.data;
  return {
    bucket: value[ENV.documentsBucket],
    dataPrefix: value[ENV.dataPrefix],
    allowedLocales: value[ENV.allowedLocales] ?? "all",
    urlLifetime: { defaultSeconds: value[ENV.urlLifetimeDefault], maxSeconds: value[ENV.urlLifetimeMax] },
    encryption: { mode: value[ENV.encryption], ...(value[ENV.kmsKeyId] ? { kmsKeyId: value[ENV.kmsKeyId] } : {}) },
    ...(value[ENV.renderFunctionName] ? { renderFunctionName: value[ENV.renderFunctionName] } : {}),
    s3: { region: value[ENV.region], ...(value[ENV.s3Endpoint] ? { endpoint: value[ENV.s3Endpoint] } : {}) },
    assets: { ...(value[ENV.templatesDir] ? { templatesDir: value[ENV.templatesDir] } : {}), ...(value[ENV.fontsDir] ? { fontsDir: value[ENV.fontsDir] } : {}) },
    provisioned: value.AWS_LAMBDA_INITIALIZATION_TYPE === "provisioned-concurrency",
  };
}
