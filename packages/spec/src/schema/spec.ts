import { z } from "zod";
import { auth, database, hosts, immich, library, machineLearning, member, redis, storageTemplate, worker } from "./common.js";
import { handle } from "./primitives.js";
import { targets } from "./targets.js";

export const API_VERSION = "immich-family.dev/v1alpha1";
export const KIND = "ImmichFamily";

export const immichFamilySpec = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema of this file, for editors."),
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(KIND),
    metadata: z.strictObject({
      name: handle.describe("Name of this install; prefixes rendered object names."),
    }),
    immich,
    hosts,
    auth,
    storageTemplate: storageTemplate.optional(),
    members: z.record(handle, member).describe("Family members by handle."),
    libraries: z.record(handle, library).default({}).describe("External libraries by handle."),
    machineLearning,
    database,
    redis,
    worker,
    targets,
  })
  .describe("One family's self-hosted Immich, declared once.");

/** The spec as written (defaults optional). */
export type ImmichFamilySpecInput = z.input<typeof immichFamilySpec>;
/** The spec after parsing: defaults applied, secret references resolved to `{ key }`. */
export type ImmichFamilySpec = z.output<typeof immichFamilySpec>;
export type Library = ImmichFamilySpec["libraries"][string];
export type Member = ImmichFamilySpec["members"][string];
export type AlbumRules = NonNullable<Library["albums"]>;
export type KubernetesTarget = NonNullable<ImmichFamilySpec["targets"]["kubernetes"]>;
export type ComposeTarget = NonNullable<ImmichFamilySpec["targets"]["compose"]>;
export type OAuth = NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
