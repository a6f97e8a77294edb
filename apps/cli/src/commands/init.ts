import { access } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { escapeControl, formatDiagnostic, HANDLE_PATTERN, HOSTNAME_PATTERN, parseSpec } from "@family/immich-spec";
import type { CommandMain, Flags } from "../_command.js";
import { CliError } from "../_errors.js";
import { DEFAULT_IMMICH_VERSION, handleFromEmail } from "../_new-spec.js";
import type { Io } from "../_io.js";
import { DEFAULT_SPEC } from "../_spec.js";
import { writeFileAtomically } from "../_write.js";
import { VERSION } from "../version.js";

export type InitTarget = "kubernetes" | "compose" | "both";
const TARGETS: readonly InitTarget[] = ["kubernetes", "compose", "both"];

export interface InitOptions {
  /** Name of the install (a handle). */
  readonly name: string;
  readonly webHost: string;
  readonly target: InitTarget;
  readonly immichVersion: string;
  readonly adminEmail: string;
}

/** Why a value given for init is unusable, or undefined when it is fine. */
export function checkInitValue(key: keyof InitOptions, value: string): string | undefined {
  switch (key) {
    case "name":
      return HANDLE_PATTERN.test(value) ? undefined : `--name must be a lowercase name of letters, digits and dashes, starting with a letter, got "${value}"`;
    case "webHost":
      return HOSTNAME_PATTERN.test(value)
        ? undefined
        : `--web-host must be a lowercase DNS host name such as photos.example.com (no scheme, no path), got "${value}"`;
    case "target":
      return (TARGETS as readonly string[]).includes(value) ? undefined : `--target must be kubernetes, compose or both, got "${value}"`;
    case "immichVersion":
      return /^v?[0-9]+\.[0-9]+\.[0-9]+$/.test(value)
        ? undefined
        : `--immich-version must be a pinned release such as ${DEFAULT_IMMICH_VERSION}, got "${value}"`;
    case "adminEmail":
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? undefined : `--admin-email must be an email address, got "${value}"`;
  }
}

/** A commented starter spec that validates as written. */
export function starterSpec(o: InitOptions): string {
  const handle = handleFromEmail(o.adminEmail);
  const display = handle.charAt(0).toUpperCase() + handle.slice(1);
  const version = o.immichVersion.startsWith("v") ? o.immichVersion : `v${o.immichVersion}`;
  const kubernetes = `  kubernetes:
    namespace: immich
    # storageClass: longhorn       # default storage class of the upload and database volumes
    upload: { size: 100Gi }        # Immich's media volume (uploads, thumbnails, encoded video)
    database:
      instances: 1                 # CloudNativePG instances
    ingress:
      className: pomerium
      # clusterIssuer: letsencrypt-prod
    libraries: {}                  # where each library's path comes from, by library handle:
    #   photos:
    #     nfs: { server: nas.lan, share: /volume1/photos }
    secrets:
      envFile: secrets.env         # list the keys with \`immich-family secrets --output env\`
`;
  const compose = `  compose:
    user: { uid: 1000, gid: 1000 } # owner of every writable path
    paths:
      media: ./data/media          # Immich's media location on the host
    libraries: {}                  # host folders bind-mounted read-only at each library's path:
    #   photos: { hostPath: /srv/photos }
    # traefik:
    #   certResolver: letsencrypt
    #   forwardAuth: authelia@docker
    hwaccel: cpu                   # cpu, nvenc, quicksync, rkmpp or vaapi
`;
  return `# yaml-language-server: $schema=https://unpkg.com/@family/immich-spec@${VERSION}/schema/immich-family.schema.json
# The immich-family spec of this install: every fact once, for every target.
# Check it with \`immich-family validate\`, render it with \`immich-family render\`.
# Secrets are never written here: \${KEY} names a key of the secrets env file.
apiVersion: immich-family.dev/v1alpha1
kind: ImmichFamily
metadata:
  name: ${o.name}                  # prefixes the names of rendered objects

immich:
  version: ${version}                # a pinned release; move it with \`immich-family upgrade\`
  # timezone: Europe/Berlin

hosts:
  web: ${o.webHost}
  # mobile: app.${o.webHost}       # optional host for the mobile apps, outside any SSO gate

auth:
  passwordLogin: true
  # oauth:
  #   preset: google               # google, entra (add tenantId) or generic (add issuerUrl)
  #   clientId: \${IMMICH_OAUTH_CLIENT_ID}
  #   clientSecret: \${IMMICH_OAUTH_CLIENT_SECRET}

members:                           # family members by handle; the email is their login
  ${handle}:
    name: ${display}
    email: ${o.adminEmail}
    admin: true
    # password: \${ADMIN_PASSWORD}    # the first admin's password: the worker (or \`immich-family bootstrap\`) signs up with it
    # quota: 500Gi

libraries: {}                      # external, read-only libraries by handle, for example:
#   photos:
#     owner: ${handle}
#     path: /mnt/photos            # the path Immich sees; each target says where it comes from
#     exclusionPatterns: ["**/@eaDir/**"]
#     albums:                      # one album per folder, shared with members
#       levels: 1
#       shareWith: [{ member: someone, role: viewer }]

database:
  postgresMajor: 16                # never change it on a running database
  vectorVersion: 0.3.0             # VectorChord, >=0.3.0 <2
  superuser: true                  # false: extensions pre-created, Immich's own DB backup off

targets:
${o.target === "compose" ? "" : kubernetes}${o.target === "kubernetes" ? "" : compose}`;
}

export interface InitResult {
  readonly file: string;
  readonly options: InitOptions;
}

/** Write a starter spec to `path` (default ./immich-family.yaml); refuses to overwrite unless `force`. */
export async function init(cwd: string, path: string | undefined, options: InitOptions, force = false): Promise<InitResult> {
  for (const key of Object.keys(options) as (keyof InitOptions)[]) {
    const problem = checkInitValue(key, options[key]);
    if (problem) throw new CliError("bad-arguments", problem);
  }
  const shown = path ?? DEFAULT_SPEC;
  const file = resolve(cwd, shown);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && !force) throw new CliError("bad-arguments", `${escapeControl(shown)} already exists. Pass --force to overwrite it, or name another file.`);
  const text = starterSpec(options);
  const checked = parseSpec(text, shown);
  if (!checked.ok) throw new CliError("internal", "the starter spec does not validate", { details: checked.errors.map(formatDiagnostic) });
  await writeFileAtomically(file, text);
  return { file: shown, options };
}

/** Asks for the values not given as flags; the TTY path uses @clack/prompts. */
export type Ask = (missing: readonly (keyof InitOptions)[], defaults: InitOptions) => Promise<Partial<InitOptions> | undefined>;

const FLAG_OF: Record<keyof InitOptions, string> = {
  name: "name",
  webHost: "webHost",
  target: "target",
  immichVersion: "immichVersion",
  adminEmail: "adminEmail",
};

/** Options from flags, defaults, and (on a TTY) answers. Undefined when the user cancelled. */
export async function initOptions(cwd: string, flags: Flags, io: Io, ask: Ask = clackAsk): Promise<InitOptions | undefined> {
  const given = (key: keyof InitOptions) => (flags[FLAG_OF[key]] === undefined ? undefined : String(flags[FLAG_OF[key]]));
  const dirName = basename(cwd)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "");
  const defaults: InitOptions = {
    name: given("name") ?? (HANDLE_PATTERN.test(dirName) ? dirName : "family"),
    webHost: given("webHost") ?? "photos.example.com",
    target: (given("target") ?? "kubernetes") as InitTarget,
    immichVersion: given("immichVersion") ?? DEFAULT_IMMICH_VERSION,
    adminEmail: given("adminEmail") ?? "admin@example.com",
  };
  const missing = (["name", "webHost", "target", "adminEmail"] as const).filter((k) => given(k) === undefined);
  if (!io.isTTY || missing.length === 0) return defaults;
  const answers = await ask(missing, defaults);
  return answers === undefined ? undefined : { ...defaults, ...answers };
}

const clackAsk: Ask = async (missing, defaults) => {
  const p = await import("@clack/prompts");
  p.intro("immich-family init");
  const out: Record<string, string> = {};
  const validateFor = (key: keyof InitOptions) => (v: string | undefined) => checkInitValue(key, v || defaults[key])?.replace(/^--[a-z-]+ /, "");
  for (const key of missing) {
    const answer =
      key === "target"
        ? await p.select({
            message: "Which target?",
            initialValue: defaults.target,
            options: [
              { value: "kubernetes", label: "Kubernetes", hint: "CloudNativePG, NFS libraries, Pomerium" },
              { value: "compose", label: "Docker Compose", hint: "host paths, Traefik, backups" },
              { value: "both", label: "Both" },
            ],
          })
        : await p.text({
            message: {
              name: "Name of this install",
              webHost: "Host name of the web UI",
              adminEmail: "Email of the first admin",
              immichVersion: "Immich release",
            }[key],
            placeholder: defaults[key],
            defaultValue: defaults[key],
            validate: validateFor(key),
          });
    if (p.isCancel(answer)) {
      p.cancel("Nothing written.");
      return undefined;
    }
    out[key] = String(answer);
  }
  p.outro("Writing the spec.");
  return out as Partial<InitOptions>;
};

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const options = await initOptions(cwd, flags, io);
  if (options === undefined) return 1;
  const result = await init(cwd, path, options, flags.force === true);
  io.stdout(`wrote ${escapeControl(result.file)} (${result.options.target === "both" ? "kubernetes and compose targets" : `${result.options.target} target`})`);
  io.stdout(`next: edit it, then run \`immich-family validate${path === undefined ? "" : ` ${path}`}\``);
  return 0;
};
