import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { LetterpressError } from "../core/errors";
import type { ReadSecret } from "./share-key-ring";

/**
 * Reads a secret's text from AWS Secrets Manager: the only place the share module talks to it. The
 * client is passed in (made once per cold start); the SDK's error becomes ours here, with the secret
 * id and never the secret.
 */
export function secretsManagerSecretReader(client: SecretsManagerClient): ReadSecret {
  return async (secretId) => {
    let secret: string | undefined;
    try {
      secret = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw new LetterpressError("CONFIG_ERROR", `cannot read secret "${secretId}" from Secrets Manager (${(error as { name?: string }).name ?? "error"})`, { cause: error });
    }
    if (secret === undefined) throw new LetterpressError("CONFIG_ERROR", `secret "${secretId}" has no SecretString; store the key ring as JSON text`);
    return secret;
  };
}
