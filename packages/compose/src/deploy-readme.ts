import {
  ADMIN_SIGN_UP,
  ADOPTED_INSTALL,
  FIRST_START_MIGRATIONS,
  type FirstAdminMember,
  firstAdminMember,
  type ImmichFamilySpec,
  OPEN_ADMIN_SIGN_UP,
  type Paragraph,
  PORTS,
  type ReadmeSection,
  readmeText,
  renderedBy,
  workerSignUp,
} from "@family/immich-spec";
import { frontendNetworkName } from "./_server-service.js";
import { COMPOSE_FILES, IN_CONTAINER, type RenderContext, renderContext } from "./_context.js";
import { cleanupMinutes } from "./_backup-services.js";
import { initChowns } from "./_init-service.js";

/** The README's sections, in order. */
const SECTIONS: readonly ReadmeSection<RenderContext>[] = [title, hostSetup, secrets, proxy, databaseRole, firstStart, databaseBackup, restoreDrill, metrics];

/** The README beside compose.yaml, for the person deploying the stack. */
export function renderDeployReadme(spec: ImmichFamilySpec, toolVersion: string): string {
  return readmeText(SECTIONS, renderContext(spec, toolVersion));
}

/** The title, what render may touch in this folder, what each file is, and the Compose version it needs. */
function title({ spec, compose, project }: RenderContext): Paragraph[] {
  return [
    [
      `# ${project}: Immich ${spec.immich.version} with Docker Compose`,
      `${renderedBy("compose")}: render replaces or removes only the files it lists in \`.immich-family-render.json\`, and stops without writing anything if you edited one of them (\`immich-family diff\` shows what it would change). Everything else in this folder — the database, backups, model cache, filled config, your secrets env file and notes — stays as it is.`,
    ],
    [
      "| file | what |",
      "|---|---|",
      "| `compose.yaml` | the stack |",
      `| \`immich-config.yaml.tmpl\` | Immich's server config with \`\${KEY}\` placeholders; \`immich-init\` fills it into \`${compose.paths.config}/immich-config.yaml\` |`,
      `| \`.env.example\` | every secret key, no values: copy it to \`${compose.envFile}\` and fill it in |`,
      ...(spec.worker.enabled ? [`| \`${COMPOSE_FILES.workerSpec}\` | the worker's copy of the spec (render writes it; edit your own spec instead) |`] : []),
      "| `.immich-family-render.json` | what render wrote here, with each file's SHA-256 |",
    ],
    [
      "`compose.yaml` starts with a top-level `name:`, so it needs Docker Compose v2 (`docker compose`, not the old `docker-compose` v1, which refuses the file).",
    ],
  ];
}

/** "Host setup (once)": the user and group, the media's parent, what the init step owns, how Compose reads `${KEY}`; the transcoding devices. */
function hostSetup(ctx: RenderContext): Paragraph[] {
  const { compose } = ctx;
  const { uid, gid } = compose.user;
  return [
    ["## Host setup (once)"],
    [
      `1. Create a group with GID ${gid} and a user with UID ${uid} whose primary group it is. Every container that writes runs as \`${uid}:${gid}\`; add your admin user to the group to browse the files.`,
      `2. Give the parent dataset of \`${compose.paths.media}\` mode 770 (no access for others); no ACLs are needed.`,
      initStep(ctx),
      `4. Compose interpolates \`\${KEY}\` from the \`.env\` file beside \`compose.yaml\` everywhere in it, \`user:\` and \`command:\` included; the values of an \`env_file:\` reach only the container's environment. The uid and gid are written as literals so the spec stays the one place they are said: change them there and render again.`,
    ],
    ...(compose.hwaccel === "cpu"
      ? []
      : [
          [
            `Hardware transcoding is \`${compose.hwaccel}\`. The server runs as \`${uid}:${gid}\`: if the device nodes belong to a group such as \`render\`, add that group's host GID to the user (or \`group_add\`) so the server can open them.`,
          ],
        ]),
  ];
}

/** Host setup's third step: what `immich-init` hands to the stack's user, or that it leaves ownership alone. */
function initStep(ctx: RenderContext): string {
  const { spec, compose } = ctx;
  const { uid, gid } = compose.user;
  if (!initChowns(ctx)) {
    return `3. \`immich-init\` runs first on every \`up\` and fills the config template. It leaves the ownership of the media, model cache and backups as it is (${uid === 0 && gid === 0 ? "the stack runs as root, `0:0`" : "`targets.compose.chown: false`"}); only the config file it writes goes to \`${uid}:${gid}\`.`;
  }
  const trees = `media${spec.machineLearning.enabled ? ", model cache" : ""}${compose.backup.enabled ? ", backups" : ""}${spec.worker.enabled ? ", worker state" : ""}`;
  const database = compose.volumes?.database ? `volume \`${compose.volumes.database}\`` : `folder \`${compose.paths.database}\``;
  return `3. \`immich-init\` runs first on every \`up\`: as root with only two capabilities it hands every writable tree (${trees}) and the config folder itself to \`${uid}:${gid}\`, then fills the config template. **CHOWN** lets it change the owner; **DAC_OVERRIDE** lets root traverse a 770 tree owned by another user and overwrite the last deploy's config file. The database ${database} stays owned by Postgres, even under the config folder.`;
}

/** "Secrets": the env file to fill, and how Compose finds it. */
function secrets({ compose }: RenderContext): Paragraph[] {
  return [
    ["## Secrets"],
    [
      `Copy \`.env.example\` to \`${compose.envFile}\` and fill every key. Compose reads \`\${KEY}\` references from \`.env\` in this folder${compose.envFile === ".env" ? "" : ` — with \`${compose.envFile}\`, run every command with \`--env-file ${compose.envFile}\``}; \`docker compose up\` stops with an error naming any key that is missing.`,
    ],
  ];
}

/** "Traefik": its network, entrypoint, version and timeouts; without Traefik, the published port. */
function proxy(ctx: RenderContext): Paragraph[] {
  const t = ctx.compose.traefik;
  if (!t) return [[`Without Traefik in the spec, the server publishes port ${PORTS.server} on the host: put your own TLS proxy in front of it.`]];
  const network = frontendNetworkName(ctx);
  return [
    ["## Traefik"],
    [
      `Join Traefik to the network \`${network}\`${ctx.compose.networks.frontendExternal ? ` (create it first: \`docker network create ${network}\`)` : ""}. Routers use the entrypoint \`${t.entrypoint}\`${t.certResolver ? ` and the cert resolver \`${t.certResolver}\`` : ""}. They need Traefik v3: the router \`${ctx.project}-admin-sign-up\` uses \`PathRegexp\` and an \`ipAllowList\`, which Traefik v2 does not load, and without it anyone could claim the fresh install (check that \`docker logs\` of Traefik shows no error for it).`,
      `Uploads of large videos need long timeouts on that entrypoint (Traefik's static config): at least 600 s, e.g.`,
      "",
      "```yaml",
      "entryPoints:",
      `  ${t.entrypoint}:`,
      "    transport:",
      "      respondingTimeouts:",
      "        readTimeout: 600s",
      "        idleTimeout: 600s",
      "```",
    ],
  ];
}

/** What `database.superuser: false` means on Compose. */
function databaseRole({ spec }: RenderContext): Paragraph[] {
  if (spec.database.superuser) return [];
  return [
    [
      "The spec keeps the database role a plain owner (`database.superuser: false`). With Immich's Postgres image the role in `POSTGRES_USER` owns the whole cluster and is a superuser, so on Compose that choice only turns off Immich's own database backup; the nightly dump below replaces it.",
    ],
  ];
}

/** "First start": the init step, the first admin, the migrations, where the media is mounted. */
function firstStart(ctx: RenderContext): Paragraph[] {
  return [
    ["## First start"],
    [
      `1. \`docker compose up -d\`, then check that \`${ctx.services.init}\` exited 0 (\`docker compose logs ${ctx.services.init}\`): an unresolved \`\${KEY}\` stops it, and the server does not start.`,
      ...firstAdmin(ctx),
      `3. ${FIRST_START_MIGRATIONS}; the server's healthcheck allows 300 s.`,
      ctx.media === IN_CONTAINER.media
        ? `4. Moving an existing install whose media was mounted at \`/usr/src/app/upload\`: this stack mounts it at \`${IN_CONTAINER.media}\` (\`IMMICH_MEDIA_LOCATION\`). Immich (since v1.137) notices the change at start and rewrites the stored paths; take a database dump first.`
        : `4. The media folder stays mounted at \`${ctx.media}\` (\`immich.mediaLocation\`), where the database's stored paths point.`,
    ],
  ];
}

/** "Database backup": what each run takes and keeps, who schedules it, and who hears of a failure. */
function databaseBackup({ spec, compose, services }: RenderContext): Paragraph[] {
  const { backup } = compose;
  if (!backup.enabled) return [];
  const s = backup.schedule;
  const dump = `${backup.encrypt ? "encrypted, " : ""}ZSTD-compressed, SHA1-checksummed dump into \`${compose.paths.backups}\``;
  const kept = `dumps older than ${backup.retention} (${cleanupMinutes(backup.retention)} minutes) are removed`;
  const schedule: Paragraph =
    s.by === "container"
      ? [
          `\`${services.backup}\` stays up and schedules itself: each run takes one ${dump}, and ${kept}. The first runs at ${s.begin.slice(0, 2)}:${s.begin.slice(2)} (${spec.immich.timezone ?? "the container's time zone, UTC unless immich.timezone is set"}), then every ${s.interval}. No host cron line is needed; \`docker compose logs ${services.backup}\` shows each run.`,
        ]
      : [
          `\`${services.backup}\` takes one ${dump} and exits (\`schedule.by: host\`); ${kept}. It runs on every \`up\`; a host cron or CD job must run it nightly, e.g.:`,
          "",
          "```",
          `30 3 * * * cd /path/to/this/folder && docker compose run --rm --no-deps ${services.backup}`,
          "```",
        ];
  const mail = backup.notify?.email;
  return [
    ["## Database backup"],
    schedule,
    ...(mail
      ? [
          [
            `A failed backup mails ${mail.to.join(", ")} from ${mail.from} through ${mail.smtp.host}:${mail.smtp.port}; the backup joins the egress network only for that.`,
          ],
        ]
      : []),
  ];
}

/** "Restore drill": what `backup verify` restores and checks, and its crontab line when the spec schedules it. */
function restoreDrill({ spec, compose, services }: RenderContext): Paragraph[] {
  const { drill } = compose.backup;
  const sources = [
    compose.backup.enabled ? `the newest dump in \`${compose.paths.backups}\`` : "",
    spec.database.superuser ? `Immich's own newest backup in \`${compose.paths.media}/backups\`` : "",
  ].filter(Boolean);
  const mail = compose.backup.notify?.email;
  const scheduled: Paragraph[] = drill.schedule
    ? [
        [
          "Scheduled in the spec: add this line to the host's crontab (the status file keeps the last drill's result and time for your monitoring):",
          "",
          "```",
          `${drill.schedule} immich-family backup verify /path/to/immich-family.yaml --out /path/to/this/folder --status-file /path/to/this/folder/drill-status.json${mail ? " --notify" : ""}`,
          "```",
          ...(mail
            ? ["", `\`--notify\` mails a failed drill to ${mail.to.join(", ")} through ${mail.smtp.host}:${mail.smtp.port}, the backup's own mail settings.`]
            : []),
        ],
      ]
    : [];
  return [
    ["## Restore drill: is the backup any good?"],
    [
      `\`immich-family backup verify\` restores ${sources.join(" and ") || "a backup you name with --file"} into \`${services.drill}\`, a scratch Postgres of the same image as the live one (profile \`drill\`, data in memory, no network), and checks it: checksum, decryption, a restore without errors, Immich's schema at the pinned release, the members and libraries of the spec, and a sample of ${drill.sample} asset files on disk. A backup older than ${drill.maxAge} fails. It prints one PASS/FAIL line per check and exits 1 on any failure; it writes only to its own temporary folder (and \`--status-file\`). Run it on this host with your spec and this folder: \`immich-family backup verify /path/to/immich-family.yaml --out /path/to/this/folder\`.`,
    ],
    ...scheduled,
  ];
}

/** "Metrics": where the Postgres exporter serves, when it is on. */
function metrics({ compose, services, project }: RenderContext): Paragraph[] {
  if (!compose.metricsExporter.enabled) return [];
  return [
    ["## Metrics"],
    [
      `\`${services.exporter}\` serves Postgres metrics on \`${services.exporter}:9187\` inside the backend network \`${compose.networks.backend ?? `${project}-backend`}\` only (no host port): attach your collector to that network to scrape it. Grant the role \`pg_monitor\` if it is not a superuser.`,
    ],
  ];
}

/**
 * The "First start" step of the first admin: none on an install that already has its users (adopted);
 * on a fresh one the worker or `immich-family bootstrap` signs up the spec's first admin, or it is made
 * by hand: through the server container when Traefik refuses the sign-up, else in the wizard.
 */
function firstAdmin(ctx: RenderContext): string[] {
  const { spec, compose } = ctx;
  const email = spec.auth.oauth ? " (the one your identity provider sends, so your OAuth login links to it)" : "";
  const password = spec.auth.passwordLogin ? [] : ["   Password login is off, so the password is never usable: any value will do."];
  const admin = firstAdminMember(spec);
  const or = admin ? "Or by hand: " : "";
  const adopted = [
    `2. **An install that already has its users** (${ADOPTED_INSTALL}): there is no first admin to make; everyone signs in as before. Go on with 3.`,
    "",
    `   **A fresh install** (no users yet) needs its first admin right away: until it has one, ${OPEN_ADMIN_SIGN_UP}.`,
    ...(admin ? [bootstrapLine(ctx, admin), ""] : []),
  ];
  if (!compose.traefik) {
    return [
      ...adopted,
      `   ${or}open https://${spec.hosts.web} right away: Immich shows its onboarding wizard once, while it has no users, and until then anyone who reaches port ${PORTS.server} can finish it. Use your real email${email}.`,
      ...password,
    ];
  }
  return [
    ...adopted,
    `   ${or}the Traefik router \`${ctx.project}-admin-sign-up\` refuses that path in every spelling on every host (403), so no one can claim the fresh install from outside and the wizard at https://${spec.hosts.web} cannot finish: call the sign-up from inside the server container. Write \`first-admin.json\` with an editor (mode 600), holding \`{"email": "…", "name": "…", "password": "…"}\` with your real email${email}, then:`,
    "",
    "   ```sh",
    `   docker compose exec -T ${ctx.services.server} node -e 'fetch("http://127.0.0.1:${PORTS.server}${ADMIN_SIGN_UP.path}",{method:"POST",headers:{"content-type":"application/json"},body:require("fs").readFileSync(0,"utf8")}).then(async(r)=>console.log(r.status,await r.text()))' < first-admin.json`,
    "   rm first-admin.json",
    "   ```",
    "",
    '   201 and your user mean done; 400 "The server already has an admin" means someone made one: check who under Administration → Users.',
    ...password,
  ];
}

/** Who signs up the spec's first admin: the worker at its first start, or `immich-family bootstrap` run by hand. */
function bootstrapLine({ spec, compose }: RenderContext, admin: FirstAdminMember): string {
  const direct = compose.traefik
    ? `an address that reaches the server's port ${PORTS.server} directly, not through Traefik, which refuses the sign-up`
    : `e.g. \`http://localhost:${PORTS.server}\` on this host`;
  return admin.workerSignsUp
    ? `   The worker does it at its first start: ${workerSignUp(admin, spec.worker.apiKey.key)}. \`IMMICH_URL=… immich-family bootstrap\` does the same by hand (${direct}) and writes the key into \`${compose.envFile}\`.`
    : `   \`immich-family bootstrap\` does it for you: give \`members.${admin.handle}.password\` in the spec and \`${compose.envFile}\`, then run \`IMMICH_URL=… immich-family bootstrap\` (${direct}); it signs up \`${admin.handle}\` (${admin.email}) and writes the worker's API key into \`${compose.envFile}\`.`;
}
