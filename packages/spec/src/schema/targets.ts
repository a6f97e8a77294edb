import { z } from "zod";
import { NFS_CSI_DRIVER } from "../facts.js";
import { immichCronProblem } from "../immich-config/cron.js";
import {
  absolutePath,
  duration,
  filePath,
  folderFilePath,
  handle,
  hostPath,
  imageRef,
  ipOrCidr,
  namespaceName,
  objectName,
  optionalSecretRef,
  quantity,
  relativePath,
  resources,
  secretRef,
  serverAddress,
  valueOrSecret,
} from "./primitives.js";

const serviceName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a Compose service name");

const nfsSource = z
  .strictObject({
    server: serverAddress.describe("NFS server host name or IP address."),
    share: absolutePath.describe("Exported share, e.g. /volume1/NetBackup."),
    subDir: relativePath.optional().describe("Sub-directory of the share, e.g. public/ponder/Fotos."),
    mountOptions: z
      .array(z.string().regex(/^[A-Za-z0-9_.=-]+$/, "expected a mount option such as nfsvers=4.1 or hard"))
      .default(["nfsvers=4.1", "hard"])
      .describe("@default [nfsvers=4.1, hard]"),
    capacity: quantity.default("1Ti").describe("Nominal capacity of the read-only volume. @default 1Ti"),
    driver: objectName.default(NFS_CSI_DRIVER).describe(`CSI driver. @default ${NFS_CSI_DRIVER}`),
    volumeName: objectName.optional().describe("Keep an existing PersistentVolume's name. @default <name>-library-<handle>"),
    claimName: objectName.optional().describe("Keep an existing PersistentVolumeClaim's name. @default <name>-library-<handle>"),
    volumeHandle: z
      .string()
      .min(1)
      .optional()
      .describe("Keep an existing volume's CSI volumeHandle (it identifies the mount). @default derived from the name, server and share"),
    storageClass: z.string().optional().describe('storageClassName of the PV and PVC; keep an adopted one (e.g. manual). @default ""'),
  })
  .describe("A read-only NFS volume through the NFS CSI driver.");

/** A uid or gid Linux and Docker accept. */
const linuxId = z.int().min(0).max(2_147_483_647);
/** A Docker network name. */
const dockerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a Docker network name: letters, digits, '_', '.' and '-'");
/** A name in Traefik's configuration (entrypoint, cert resolver). */
/** A Docker named volume's real name (Compose prefixes none: the install's, e.g. immich_pgdata). */
const volumeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a Docker volume name: letters, digits, '_', '.' and '-'");
/** A Docker container name. */
const containerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a container name: letters, digits, '_', '.' and '-'");
/** An image digest, `sha256:` and 64 hex digits. */
const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "expected an image digest such as sha256:<64 hex digits>");
/** An IPv4 or IPv6 address to publish a port on. */
const publishAddress = ipOrCidr.refine((v) => !v.includes("/"), "expected an IP address such as 127.0.0.1, not a range");
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
    allowedDomains: z
      .array(z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "expected an email domain such as smith.family"))
      .optional()
      .describe("Email domains allowed through the SSO gate."),
    allowedUsers: z.array(z.email()).optional().describe("Users allowed through the SSO gate. @default the members' emails when allowedDomains is not set"),
    policy: z.string().min(1).optional().describe("A Pomerium PPL policy (YAML) instead of allowedDomains/allowedUsers."),
  })
  .prefault({})
  .describe("Pomerium ingress options (annotations ingress.pomerium.io/*).");

export const networkPolicies = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Render the NetworkPolicies. Turn off only where the cluster's network plugin enforces none or another tool owns them. @default true"),
    ingressNamespace: namespaceName
      .default("pomerium")
      .describe("Namespace of the ingress controller, the only one (beside the worker) that reaches the server. @default pomerium"),
    operatorNamespace: namespaceName
      .default("cnpg-system")
      .describe(
        "Namespace of the CloudNativePG operator (and its backup plugins), which must reach the database instances on 5432 and 8000. @default cnpg-system",
      ),
    monitoringNamespace: namespaceName
      .optional()
      .describe("Namespace of Prometheus, allowed to scrape the database metrics (9187) when database.podMonitor is on. @default every namespace"),
  })
  .prefault({})
  .describe(
    "NetworkPolicies that mirror the Compose network split: Postgres only from the server (and CloudNativePG), Redis and machine learning only from the server, the server only from the ingress controller and the worker.",
  );

export const kubernetes = z
  .strictObject({
    namespace: namespaceName.default("immich").describe("@default immich"),
    storageClass: objectName.optional().describe("Default storage class of the PVCs (upload, database)."),
    upload: z
      .strictObject({
        size: quantity.default("100Gi").describe("@default 100Gi"),
        storageClass: objectName.optional(),
        claimName: objectName.optional().describe("Keep an existing PersistentVolumeClaim's name. @default <name>-upload"),
      })
      .prefault({})
      .describe("The PVC of Immich's media location (uploads, thumbnails, encoded video)."),
    database: z
      .strictObject({
        instances: z.int().positive().default(1).describe("CNPG instances. @default 1"),
        clusterName: objectName
          .optional()
          .describe("Keep an existing CNPG Cluster's name (its PVCs and Services are named after it). @default <name>-postgres"),
        image: imageRef.optional().describe("Override of the CNPG image. @default ghcr.io/tensorchord/cloudnative-vectorchord:<pgMajor>-<vectorVersion>"),
        storage: z.strictObject({ size: quantity.default("20Gi"), storageClass: objectName.optional() }).prefault({}),
        parameters: z
          .record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, "expected a postgresql.conf parameter name such as shared_buffers"), z.string())
          .default({})
          .describe("postgresql.conf parameters, e.g. shared_buffers: 512MB."),
        backup: z
          .strictObject({
            schedule: z
              .string()
              .regex(/^(\S+\s+){5}\S+$/, "expected a 6-field cron (seconds first), e.g. '0 0 3 * * *'")
              .describe("CNPG ScheduledBackup cron, 6 fields."),
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
        z.strictObject({ envFile: folderFilePath.describe("Path (inside the rendered folder) of the secrets env file for kustomize's secretGenerator.") }),
        z.strictObject({ existingSecret: objectName.describe("Name of an existing Secret holding every key.") }),
      ])
      .default({ envFile: "secrets.env" })
      .describe("Where the Secret comes from. @default { envFile: secrets.env }"),
    resources: z.strictObject({ server: resources.optional(), redis: resources.optional(), worker: resources.optional() }).prefault({}),
    redisImage: imageRef.default("docker.io/valkey/valkey:8.1.4-alpine").describe("@default docker.io/valkey/valkey:8.1.4-alpine"),
    networkPolicies,
    worker: z
      .strictObject({
        nodeSelector: z.record(z.string(), z.string()).optional(),
        tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
      })
      .prefault({})
      .describe("Placement of the worker pod."),
  })
  .describe("The Kubernetes target: CloudNativePG, Longhorn-style PVCs, NFS libraries, Pomerium.");

export const backupEmail = z
  .strictObject({
    from: z.email().describe("Sender address of the failure mails."),
    to: z.array(z.email()).min(1).describe("Who gets a mail when a backup fails."),
    smtp: z
      .strictObject({
        host: z
          .string()
          .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, "expected a host name or IPv4 address such as smtp.example.com")
          .describe("SMTP server: a host name or address, e.g. smtp.example.com."),
        port: z.int().min(1).max(65535).default(587).describe("@default 587"),
        security: z
          .enum(["starttls", "tls", "none"])
          .default("starttls")
          .describe(
            "starttls: upgrade a plain connection (port 587); tls: TLS from the start (port 465); none: plain text. The server's certificate is checked unless none. @default starttls",
          ),
        user: valueOrSecret("SMTP user name").optional(),
        password: optionalSecretRef("SMTP_PASSWORD", "SMTP password").optional(),
      })
      .describe("The SMTP server that sends them; with a password, the backup logs in as user."),
  })
  .describe("Mail when a nightly database backup fails (tiredofit/db-backup's email notifications).");

/** A host crontab's schedule: five fields or a macro such as @weekly (no seconds field, no line breaks). */
const ONE_LINE = /^[^\s][^\n\r\t]*$/;
const hostCron = z
  .string()
  .regex(ONE_LINE, "expected a cron schedule such as 0 5 * * 0 or @weekly")
  .superRefine((value, ctx) => {
    if (!ONE_LINE.test(value)) return;
    const problem =
      value.trim().split(/\s+/).length === 6 ? "a host crontab has 5 fields (minute hour day month weekday), no seconds" : immichCronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const backupDrill = z
  .strictObject({
    schedule: hostCron
      .optional()
      .describe(
        "When the host's cron runs the drill, e.g. `0 5 * * 0` (Sundays 05:00) or @weekly; the rendered README gives the crontab line. Absent: run it by hand.",
      ),
    maxAge: duration.default("30h").describe("The newest backup may be this old; an older one fails the drill (the nightly backup stopped). @default 30h"),
    sample: z.int().min(1).max(1000).default(20).describe("How many assets' original files the drill looks for on disk. @default 20"),
  })
  .prefault({})
  .describe(
    "The restore drill (`immich-family backup verify`): the newest backup restored into a scratch Postgres (the drill profile's one-shot service) and checked. A failure mails notify.email.",
  );

export const compose = z
  .strictObject({
    projectName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .optional()
      .describe("@default metadata.name"),
    user: z
      .strictObject({ uid: linuxId.describe("uid, 0 to 2147483647"), gid: linuxId.describe("gid, 0 to 2147483647") })
      .describe("uid:gid that owns every writable path."),
    paths: z
      .strictObject({
        media: hostPath.describe("Host path of Immich's media location (library, thumbs, encoded video)."),
        database: hostPath.default("./data/db").describe("@default ./data/db"),
        modelCache: hostPath.default("./data/model-cache").describe("@default ./data/model-cache"),
        backups: hostPath.default("./backups/db-backup").describe("@default ./backups/db-backup"),
        config: hostPath.default("./data").describe("Where the filled Immich config file is written. @default ./data"),
        databaseTarget: absolutePath
          .optional()
          .describe(
            "Where paths.database is mounted in the database container; keep an adopted install's. @default /var/lib/postgresql/data (/var/lib/postgresql from Postgres 18)",
          ),
      })
      .describe("Host paths of the bind mounts."),
    volumes: z
      .strictObject({
        database: volumeName.optional().describe("An existing named volume holding the database (e.g. immich_pgdata), used instead of paths.database."),
        modelCache: volumeName
          .optional()
          .describe("An existing named volume holding the model cache (e.g. immich_model-cache), used instead of paths.modelCache."),
      })
      .optional()
      .describe("Keep an adopted install's named volumes: mounted as external volumes by their real name, so the render points at the same data."),
    libraries: z
      .record(
        handle,
        z.union([
          z.strictObject({ hostPath: hostPath.describe("Host path bind-mounted read-only at the library's path.") }),
          z.strictObject({
            roots: z
              .record(absolutePath, hostPath)
              .refine((r) => Object.keys(r).length > 0, "expected at least one import path")
              .describe(
                "One read-only bind per import path: the import path in the container → its host folder. For libraries whose roots share no parent but /.",
              ),
          }),
        ]),
      )
      .default({}),
    networks: z
      .strictObject({
        frontend: dockerName.optional().describe("Name of the network shared with Traefik. @default <project>-frontend"),
        frontendExternal: z.boolean().default(true).describe("The frontend network is created by Traefik's stack. @default true"),
        backend: dockerName.optional().describe("@default <project>-backend"),
        join: z
          .array(dockerName)
          .default([])
          .describe("Existing networks the server also joins, as external (e.g. an adopted install's immich_default that other services still use)."),
      })
      .prefault({}),
    traefik: z
      .strictObject({
        entrypoint: traefikName.default("websecure").describe("@default websecure"),
        certResolver: traefikName.optional(),
        forwardAuth: z
          .string()
          .regex(/^[A-Za-z0-9_-]+(@[a-z]+)?$/, "expected a Traefik middleware such as authelia@docker")
          .optional()
          .describe("Middleware for the web host, e.g. authelia@docker."),
      })
      .optional(),
    services: z
      .strictObject({
        server: serviceName.optional().describe("@default immich-server"),
        machineLearning: serviceName.optional().describe("@default immich-machine-learning"),
        redis: serviceName.optional().describe("@default immich-redis"),
        database: serviceName.optional().describe("@default immich-db"),
      })
      .optional()
      .describe("Keep an adopted install's service names (they are host names on its networks)."),
    publish: z
      .union([
        z.literal(false),
        z.strictObject({
          address: publishAddress.optional().describe("Host address the port is published on, e.g. 127.0.0.1. @default every address"),
          port: z.int().min(1).max(65535).default(2283).describe("Host port. @default 2283"),
        }),
      ])
      .optional()
      .describe(
        "Publish the server's port 2283 on the host, or false for none (a proxy on a shared network reaches it). @default published on every address when there is no traefik, else not published",
      ),
    localtime: z.boolean().default(false).describe("Bind the host's /etc/localtime read-only into the server and machine learning. @default false"),
    containerNames: z
      .strictObject({
        server: containerName.optional(),
        machineLearning: containerName.optional(),
        redis: containerName.optional(),
        database: containerName.optional(),
        backup: containerName.optional(),
      })
      .optional()
      .describe(
        "container_name of each service; keep an adopted install's (e.g. immich_postgres, which `docker exec` scripts name). @default Compose's <project>-<service>-1",
      ),
    images: z
      .strictObject({
        server: z.strictObject({ digest: digest.optional() }).optional(),
        machineLearning: z.strictObject({ digest: digest.optional() }).optional(),
        database: z
          .strictObject({
            suffix: z
              .string()
              .regex(/^(-[a-z]+[0-9.]*)+$/, "expected an image tag suffix such as -pgvectors0.2.0")
              .optional()
              .describe("Appended to the database image's tag, e.g. -pgvectors0.2.0 while the database may still hold that extension."),
            digest: digest.optional(),
          })
          .optional(),
      })
      .optional()
      .describe("Image pins beyond the version: digests (image@sha256:…) and the database image's tag suffix."),
    databaseStorage: z
      .enum(["SSD", "HDD"])
      .optional()
      .describe("DB_STORAGE_TYPE of the database container: HDD tunes Postgres for spinning disks. @default the image's (SSD)"),
    chown: z
      .boolean()
      .default(true)
      .describe(
        "The init step owns the writable paths to uid:gid at each start. Never when uid:gid is 0:0 (a root install keeps its ownership). @default true",
      ),
    hwaccel: z.enum(["cpu", "nvenc", "quicksync", "rkmpp", "vaapi"]).default("cpu").describe("Hardware transcoding. @default cpu"),
    backup: z
      .strictObject({
        enabled: z.boolean().default(true).describe("@default true"),
        retention: duration.default("48h").describe("@default 48h"),
        encrypt: z.boolean().default(true).describe("@default true"),
        passphrase: secretRef("DB_ENC_PASSPHRASE", "Passphrase that encrypts the backups"),
        image: imageRef.default("docker.io/tiredofit/db-backup:4.1.100").describe("@default docker.io/tiredofit/db-backup:4.1.100"),
        schedule: z
          .strictObject({
            by: z
              .enum(["container", "host"])
              .default("container")
              .describe(
                "container: the backup container runs and schedules itself; host: it dumps once and exits, and a host cron or CD job runs it. @default container",
              ),
            begin: z
              .string()
              .regex(/^([01][0-9]|2[0-3])[0-5][0-9]$/, "expected a time HHMM such as 0300")
              .default("0300")
              .describe("container: first backup at this time of day (HHMM, in immich.timezone). @default 0300"),
            interval: duration.default("24h").describe("container: time between backups. @default 24h"),
          })
          .prefault({})
          .describe("When backups run. @default nightly at 03:00, by the container itself"),
        notify: z.strictObject({ email: backupEmail.optional() }).optional().describe("Who hears about a failed backup."),
        drill: backupDrill,
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
