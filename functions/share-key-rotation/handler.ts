import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createHandlerLogger } from "../handler-logger";
import { SHARE_KEY_ROTATION_SERVICE_NAME } from "../deployment-contract";
import { readRotationConfig } from "./rotation-config";
import { createShareKeyRotationHandler } from "./rotation-steps";
import { secretsManagerVersions } from "./secrets-manager-versions";

const config = readRotationConfig();

/** The share key ring's rotation function on Lambda: Secrets Manager invokes it (infra/constructs/share-keys.ts). */
export const handler = createShareKeyRotationHandler({
  versions: secretsManagerVersions(new SecretsManagerClient({ region: config.region })),
  secretId: config.secretId,
  maxLifetimeSeconds: config.maxLifetimeSeconds,
  logger: createHandlerLogger(SHARE_KEY_ROTATION_SERVICE_NAME),
});
