import { z } from "zod";
import { absolutePath, duration, handle, hostPath, imageRef, namespaceName, objectName, quantity, filePath, relativePath, resources, secretRef, serverAddress } from "./primitives.js";

const nfsSource = z
  .strictObject({
    server: serverAddress.describe("NFS server host name or IP address."),
    share: absolutePath.describe("Exported share, e.g. /volume1/NetBackup."),
    subDir: relativePath.optional().describe("Sub-directory of the share, e.g. public/ponder/Fotos."),
    mountOptions: z.array(z.string().regex(/^[A-Za-z0-9_.=-]+$/, "expected a mount option such as nfsvers=4.1 or hard")).default(["nfsvers=4.1", "hard"]).describe("@default [nfsvers=4.1, hard]"),
    capacity: quantity.default("1Ti").describe("Nominal capacity of the read-only volume. @default 1Ti"),
    driver: objectName.default("nfs.csi.k8s.io").describe("CSI driver. @default nfs.csi.k8s.io"),
  })
  .describe("A read-only NFS volume through the NFS CSI driver.");

/** A uid or gid Linux and Docker accept. */
const linuxId = z.int().min(0).max(2_147_483_647);
/** A Docker network name. */
const dockerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a Docker network name: letters, digits, '_', '.' and '-'");
/** A name in Traefik's configuration (entrypoint, cert resolver). */
const traefikName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "expected a Traefik name: letters, digits, '_' and '-'");

export const kubernetesLibrarySource = z.union([
  z.strictObject({ nfs: nfsSource }),
  z.strictObject({ existingClaim: objectName.describe("Name of an existing PersistentVolumeClaim holding the library.") }),
]);

export const pomerium = z
  .strictObject({
    allowWebsockets: z.boolean().default(true).describe("@default true"),
    passIdentityHeaders: z.boolean().default(true).describe("@default true"),
    preserveHostHeader: z.boolean().default(true).describe("@default true"),
    timeout: duration.or(z.literal("0s")).default("0s").describe("Request timeout; 0s disables it (uploads). @default 0s"),
    idleTimeout: duration.or(z.literal("0s")).default("0s").describe("@default 0s"),
    allowedDomains: z.array(z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "expected an email domain such as smith.family")).optional().describe("Email domains allowed through the SSO gate."),
    allowedUsers: z.array(z.email()).optional().describe("Users allowed through the SSO gate. @default the members' emails when allowedDomains is not set"),
    policy: z.string().min(1).optional().describe("A Pomerium PPL policy (YAML) instead of allowedDomains/allowedUsers."),
  })
  .prefault({})
  .describe("Pomerium ingress options (annotations ingress.pomerium.io/*).");

export const kubernetes = z
  .strictObject({
    namespace: namespaceName.default("immich").describe("@default immich"),
    storageClass: objectName.optional().describe("Default storage class of the PVCs (upload, database)."),
    upload: z
      .strictObject({
        size: quantity.default("100Gi").describe("@default 100Gi"),
        storageClass: objectName.optional(),
      })
      .prefault({})
      .describe("The PVC of Immich's media location (uploads, thumbnails, encoded video)."),
    database: z
      .strictObject({
        instances: z.int().positive().default(1).describe("CNPG instances. @default 1"),
        image: imageRef.optional().describe("Override of the CNPG image. @default ghcr.io/tensorchord/cloudnative-vectorchord:<pgMajor>-<vectorVersion>"),
        storage: z
          .strictObject({ size: quantity.default("20Gi"), storageClass: objectName.optional() })
          .prefault({}),
        parameters: z.record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, "expected a postgresql.conf parameter name such as shared_buffers"), z.string()).default({}).describe("postgresql.conf parameters, e.g. shared_buffers: 512MB."),
        backup: z
          .strictObject({
            schedule: z.string().regex(/^(\S+\s+){5}\S+$/, "expected a 6-field cron (seconds first), e.g. '0 0 3 * * *'").describe("CNPG ScheduledBackup cron, 6 fields."),
            method: z.enum(["volumeSnapshot", "plugin"]).default("volumeSnapshot"),
            pluginName: objectName.optional().describe("plugin: the CNPG-I plugin, e.g. barman-cloud.cloudnative-pg.io"),
            pluginParameters: z
              .record(z.string().min(1), z.string())
              .optional()
              .describe("plugin: the plugin's parameters; barman-cloud needs barmanObjectName, the name of its ObjectStore."),
          })
          .optional(),
        podMonitor: z.boolean().default(false).describe("Render a PodMonitor for Prometheus. @default false"),
      })
      .prefault({})
      .describe("The CloudNativePG cluster."),
    libraries: z.record(handle, kubernetesLibrarySource).default({}).describe("Where each library's path comes from, by library handle."),
    ingress: z
      .strictObject({
        className: objectName.default("pomerium").describe("@default pomerium"),
        clusterIssuer: objectName.optional().describe("cert-manager ClusterIssuer, e.g. letsencrypt-prod."),
        tlsSecretName: objectName.default("immich-tls").describe("@default immich-tls"),
        pomerium: pomerium,
      })
      .prefault({}),
    secrets: z
      .union([
        z.strictObject({ envFile: filePath.describe("Path (relative to the rendered folder) of the secrets env file for kustomize's secretGenerator.") }),
        z.strictObject({ existingSecret: objectName.describe("Name of an existing Secret holding every key.") }),
      ])
      .default({ envFile: "secrets.env" })
      .describe("Where the Secret comes from. @default { envFile: secrets.env }"),
    resources: z
      .strictObject({ server: resources.optional(), redis: resources.optional(), worker: resources.optional() })
      .prefault({}),
    redisImage: imageRef.default("docker.io/valkey/valkey:8.1.4-alpine").describe("@default docker.io/valkey/valkey:8.1.4-alpine"),
    worker: z
      .strictObject({
        nodeSelector: z.record(z.string(), z.string()).optional(),
        tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
      })
      .prefault({})
      .describe("Placement of the worker pod."),
  })
  .describe("The Kubernetes target: CloudNativePG, Longhorn-style PVCs, NFS libraries, Pomerium.");

export const compose = z
  .strictObject({
    projectName: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional().describe("@default metadata.name"),
    user: z.strictObject({ uid: linuxId.describe("uid, 0 to 2147483647"), gid: linuxId.describe("gid, 0 to 2147483647") }).describe("uid:gid that owns every writable path."),
    paths: z
      .strictObject({
        media: hostPath.describe("Host path of Immich's media location (library, thumbs, encoded video)."),
        database: hostPath.default("./data/db").describe("@default ./data/db"),
        modelCache: hostPath.default("./data/model-cache").describe("@default ./data/model-cache"),
        backups: hostPath.default("./backups/db-backup").describe("@default ./backups/db-backup"),
        config: hostPath.default("./data").describe("Where the filled Immich config file is written. @default ./data"),
      })
      .describe("Host paths of the bind mounts."),
    libraries: z
      .record(handle, z.strictObject({ hostPath: hostPath.describe("Host path bind-mounted read-only at the library's path.") }))
      .default({}),
    networks: z
      .strictObject({
        frontend: dockerName.optional().describe("Name of the network shared with Traefik. @default <project>-frontend"),
        frontendExternal: z.boolean().default(true).describe("The frontend network is created by Traefik's stack. @default true"),
        backend: dockerName.optional().describe("@default <project>-backend"),
      })
      .prefault({}),
    traefik: z
      .strictObject({
        entrypoint: traefikName.default("websecure").describe("@default websecure"),
        certResolver: traefikName.optional(),
        forwardAuth: z.string().regex(/^[A-Za-z0-9_-]+(@[a-z]+)?$/, "expected a Traefik middleware such as authelia@docker").optional().describe("Middleware for the web host, e.g. authelia@docker."),
      })
      .optional(),
    hwaccel: z.enum(["cpu", "nvenc", "quicksync", "rkmpp", "vaapi"]).default("cpu").describe("Hardware transcoding. @default cpu"),
    backup: z
      .strictObject({
        enabled: z.boolean().default(true).describe("@default true"),
        retention: duration.default("48h").describe("@default 48h"),
        encrypt: z.boolean().default(true).describe("@default true"),
        passphrase: secretRef("DB_ENC_PASSPHRASE", "Passphrase that encrypts the backups"),
        image: imageRef.default("docker.io/tiredofit/db-backup:4.1.100").describe("@default docker.io/tiredofit/db-backup:4.1.100"),
      })
      .prefault({}),
    metricsExporter: z
      .strictObject({
        enabled: z.boolean().default(false).describe("@default false"),
        image: imageRef.default("quay.io/prometheuscommunity/postgres-exporter:v0.18.1"),
      })
      .prefault({}),
    redisImage: imageRef.default("docker.io/valkey/valkey:8.1.4-alpine").describe("@default docker.io/valkey/valkey:8.1.4-alpine"),
    envFile: filePath.default(".env").describe("The secrets env file, beside compose.yaml. @default .env"),
  })
  .describe("The Docker Compose target: TrueNAS-style host paths, Traefik, backups.");

export const targets = z
  .strictObject({
    kubernetes: kubernetes.optional(),
    compose: compose.optional(),
  })
  .refine((t) => t.kubernetes !== undefined || t.compose !== undefined, "declare at least one target: kubernetes or compose");
