import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { LetterpressError } from "../core/errors";
import type { SecretVersions } from "./rotation-steps";

function failed(action: string, secretId: string, error: unknown): LetterpressError {
  return new LetterpressError("CONFIG_ERROR", `cannot ${action} of secret "${secretId}" in Secrets Manager (${(error as { name?: string }).name ?? "error"})`, { cause: error });
}

/**
 * The rotation's four calls to Secrets Manager (DescribeSecret, GetSecretValue, PutSecretValue,
 * UpdateSecretVersionStage: the actions its role holds on this one secret). An SDK error becomes ours,
 * naming the secret and the call, never a secret value; a version that does not exist reads as
 * undefined (ResourceNotFoundException), as the rotation protocol expects.
 */
export function secretsManagerVersions(client: SecretsManagerClient): SecretVersions {
  return {
    async describe(secretId) {
      try {
        const answer = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
        return { rotationEnabled: answer.RotationEnabled === true, stagesByVersion: answer.VersionIdsToStages ?? {} };
      } catch (error) {
        throw failed("describe the versions", secretId, error);
      }
    },
    async read(secretId, version) {
      try {
        const answer = await client.send(
          new GetSecretValueCommand(
            version.stage === "AWSCURRENT" ? { SecretId: secretId, VersionStage: "AWSCURRENT" } : { SecretId: secretId, VersionId: version.versionId, VersionStage: "AWSPENDING" },
          ),
        );
        if (answer.SecretString === undefined) throw new LetterpressError("CONFIG_ERROR", `secret "${secretId}" has no SecretString; the key ring is JSON text`);
        return answer.SecretString;
      } catch (error) {
        if (error instanceof LetterpressError) throw error;
        if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
        throw failed(`read the ${version.stage} version`, secretId, error);
      }
    },
    async putPending(secretId, versionId, text) {
      try {
        await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: text, VersionStages: ["AWSPENDING"] }));
      } catch (error) {
        throw failed("stage the new version", secretId, error);
      }
    },
    async makeCurrent(secretId, versionId, fromVersionId) {
      try {
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: "AWSCURRENT",
            MoveToVersionId: versionId,
            ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
          }),
        );
      } catch (error) {
        throw failed("make the new version current", secretId, error);
      }
    },
  };
}
