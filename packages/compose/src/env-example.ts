import { envFileTemplate, type ImmichFamilySpec, secretKeys } from "@family/immich-spec";

/** `.env.example`: every key the stack reads, each with what it is and who reads it, never a value. */
export function renderEnvExample(spec: ImmichFamilySpec): string {
  const envFile = spec.targets.compose?.envFile ?? ".env";
  return envFileTemplate(
    [
      `Secrets of this stack. Copy to ${envFile} beside compose.yaml (keep it out of git, or encrypt it with SOPS),`,
      "fill in every value, and never commit the filled file.",
    ],
    secretKeys(spec, "compose"),
  );
}
