import v2ConfigSchema from "../../schema/immich-config/immich-config.v2.strict.schema.json" with { type: "json" };
import type { ImmichConfigSchema } from "../immich-config/config-schema.js";
import type { ImmichLine } from "./release-line.js";

const RELEASE_NOTES = "Immich v2.0.0 release notes (github.com/immich-app/immich/releases/tag/v2.0.0)";

/** Immich v2.x: the line the seed installs run. */
export const v2: ImmichLine<2> = {
  major: 2,
  newest: "v2.7.5",
  configSchema: v2ConfigSchema as ImmichConfigSchema,
  database: {
    postgres: ">=14 <19",
    vectorChord: ">=0.3.0 <2.0.0 (server constant VECTORCHORD_VERSION_RANGE)",
    refused: ["pgvecto.rs is deprecated: a server that still uses it migrates to VectorChord at start when the image carries both extensions"],
    images: "Compose: ghcr.io/immich-app/postgres:<pg>-vectorchord<version>; Kubernetes: CloudNativePG with the cloudnative-vectorchord image <pg>-<version>",
  },
  mobileApp: {
    minimum: "v2.0.0",
    note: "the apps warn when their major version differs from the server's",
    source: "Immich mobile app, lib/utils/version_compatibility.dart",
  },
  breaking: [
    {
      area: "config",
      change: "this tool keeps no table of what v2.0.0 changed since v1.x",
      handling: "read the v2.0.0 release notes before moving a v1 install; the renderers write only keys that v2 accepts",
      source: RELEASE_NOTES,
    },
  ],
  manualSteps: { before: [], after: ["Update the mobile apps to v2.x."] },
};
