import { type ImmichFamilySpec, type RenderedFile, renderImmichConfigTemplate } from "@family/immich-spec";
import { buildComposeFile, type ComposeOptions } from "./compose-file.js";
import { renderDeployReadme } from "./deploy-readme.js";
import { renderEnvExample } from "./env-example.js";
import { serializeCompose } from "./serialize.js";
import { renderSpecCopy } from "./spec-copy.js";
import { COMPOSE_FILES } from "./_context.js";
import pkg from "../package.json" with { type: "json" };

const HEADER = "# Rendered by immich-family from the spec; edit the spec and render again.\n";

/** The Compose folder of a spec: compose.yaml, the config template, .env.example, the spec copy and a README. */
export function renderCompose(spec: ImmichFamilySpec, options: ComposeOptions = {}): RenderedFile[] {
  const toolVersion = options.toolVersion ?? pkg.version;
  const files: RenderedFile[] = [
    { path: COMPOSE_FILES.compose, content: serializeCompose(buildComposeFile(spec, { toolVersion }), HEADER) },
    { path: COMPOSE_FILES.configTemplate, content: renderImmichConfigTemplate(spec, "compose") },
    { path: COMPOSE_FILES.envExample, content: renderEnvExample(spec) },
    { path: COMPOSE_FILES.readme, content: renderDeployReadme(spec, toolVersion) },
  ];
  if (spec.worker.enabled) files.push({ path: COMPOSE_FILES.workerSpec, content: renderSpecCopy(spec) });
  return files;
}
