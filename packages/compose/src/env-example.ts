import { type ImmichFamilySpec, secretKeys } from "@family/immich-spec";

/** `.env.example`: every key the stack reads, each with what it is and who reads it, never a value. */
export function renderEnvExample(spec: ImmichFamilySpec): string {
  const envFile = spec.targets.compose?.envFile ?? ".env";
  const lines = [
    `# Secrets of this stack. Copy to ${envFile} beside compose.yaml (keep it out of git, or encrypt it with SOPS),`,
    "# fill in every value, and never commit the filled file.",
    "",
  ];
  for (const k of secretKeys(spec, "compose")) {
    lines.push(`# ${k.purpose} (read by: ${k.readers.join(", ")})`, `${k.key}=`, "");
  }
  return lines.join("\n");
}
