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
/** One external library of the spec, after parsing. */
export type Library = ImmichFamilySpec["libraries"][string];
/** One member (an Immich user) of the spec, after parsing. */
export type Member = ImmichFamilySpec["members"][string];
/** The folder-based album rules of a library: which folders become albums, named how, shared with whom. */
export type AlbumRules = NonNullable<Library["albums"]>;
/** The Kubernetes target section, after parsing. */
export type KubernetesTarget = NonNullable<ImmichFamilySpec["targets"]["kubernetes"]>;
/** The Compose target section, after parsing. */
export type ComposeTarget = NonNullable<ImmichFamilySpec["targets"]["compose"]>;
/** The OAuth login settings, after parsing. */
export type OAuth = NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
