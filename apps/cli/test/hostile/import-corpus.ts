/**
 * Hostile and unlucky install folders for `immich-family import`, each with the exit code it gives
 * and a fragment of what it prints (stderr for a refusal, stdout for an import). Each case is a folder
 * (`in/`) built from `files`: text, or a FIFO, a link or a folder where a file is expected.
 */

/** A directory entry other than a file of text. */
export type Special = { readonly fifo: true } | { readonly link: string } | { readonly dir: true };

export interface ImportCase {
  readonly name: string;
  readonly flags: Readonly<Record<string, string>>;
  readonly files: Readonly<Record<string, string | Special>>;
  /** Variables of the environment the import runs in. */
  readonly env?: Readonly<Record<string, string>>;
  readonly exit: 0 | 1 | 2;
  /** A fragment of stderr (exit 1, 2) or stdout (exit 0). Exit 1: the switch-over found a difference on data, and nothing was written. */
  readonly expect: string;
  /** Exit 0: fragments the written spec holds. Every written spec is checked to hold no `auth` (none of these folders maps one). */
  readonly spec?: readonly string[];
}

const SERVER = "ghcr.io/immich-app/immich-server:v2.7.5";
/** The smallest Compose install import maps: the server and its media folder. */
export const COMPOSE = `services:\n  immich-server:\n    image: ${SERVER}\n    volumes: ["/srv/immich:/data"]\n`;
const compose = (extra: string) => `${COMPOSE}${extra}`;
/** The smallest Kubernetes install import maps: the server Deployment and its upload claim. */
export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: immich-server, namespace: photos }
spec:
  template:
    spec:
      containers:
        - name: server
          image: ${SERVER}
          volumeMounts: [{ name: upload, mountPath: /data }]
      volumes: [{ name: upload, persistentVolumeClaim: { claimName: immich-upload } }]
`;
const cluster = (extra: string) => `---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: immich-postgres, namespace: photos }
spec:
  instances: 1
${extra}`;

const C = { compose: "in" } as const;
const K = { kubernetes: "in" } as const;
const FIFO: Special = { fifo: true };

export const IMPORT_CORPUS: readonly ImportCase[] = [
  // Folder arguments
  { name: "--compose folder missing", flags: { compose: "nope" }, files: {}, exit: 2, expect: "--compose nope: no such folder. Check the path." },
  { name: "--kubernetes folder typo", flags: { kubernetes: "manifets" }, files: {}, exit: 2, expect: "--kubernetes manifets: no such folder" },
  {
    name: "--compose given the compose file",
    flags: { compose: "in/compose.yaml" },
    files: { "compose.yaml": COMPOSE },
    exit: 2,
    expect: "is a file; --compose takes the folder",
  },
  { name: "--compose a link that loops", flags: { compose: "loop" }, files: {}, exit: 2, expect: "a link that loops" },
  { name: "--compose path with control characters", flags: { compose: "in\x1b[2J\n" }, files: {}, exit: 2, expect: "--compose in\\x1B[2J\\n: no such folder" },
  { name: "folder without a compose file", flags: C, files: { "notes.txt": "hi" }, exit: 2, expect: "No compose file in in (looked for compose.yaml" },

  // What sits where a file is expected
  { name: "compose file is a FIFO", flags: C, files: { "compose.yaml": FIFO }, exit: 2, expect: "in/compose.yaml: a named pipe (FIFO), not a file" },
  {
    name: "compose file links to /dev/zero",
    flags: C,
    files: { "compose.yaml": { link: "/dev/zero" } },
    exit: 2,
    expect: "a link out of the folder (to /dev/zero)",
  },
  {
    name: "compose file links out of the folder",
    flags: C,
    files: { "compose.yaml": { link: "../outside.yaml" }, "../outside.yaml": COMPOSE },
    exit: 2,
    expect: "a link out of the folder",
  },
  { name: "compose file is a dangling link", flags: C, files: { "compose.yaml": { link: "gone.yaml" } }, exit: 2, expect: "a link to nothing" },
  { name: "compose file is a link loop", flags: C, files: { "compose.yaml": { link: "compose.yaml" } }, exit: 2, expect: "a link that loops" },
  { name: "compose file is a folder", flags: C, files: { "compose.yaml": { dir: true } }, exit: 2, expect: "in/compose.yaml: a folder, not a file" },
  {
    name: "compose file of 2 MiB",
    flags: C,
    files: { "compose.yaml": `${COMPOSE}# ${"x".repeat(2 * 1024 * 1024)}\n` },
    exit: 2,
    expect: "2.0 MiB; import reads files of at most 1 MiB",
  },
  {
    name: "compose file links inside the folder",
    flags: C,
    files: { "compose.yaml": { link: "real/compose.yaml" }, "real/compose.yaml": COMPOSE },
    exit: 0,
    expect: "Wrote spec.yaml",
    spec: ["media: /srv/immich"],
  },
  {
    name: ".env is a folder",
    flags: C,
    files: { "compose.yaml": COMPOSE, ".env": { dir: true } },
    exit: 2,
    expect: "in/.env: a folder, not a file; import reads only regular files",
  },
  { name: ".env is a FIFO", flags: C, files: { "compose.yaml": COMPOSE, ".env": FIFO }, exit: 2, expect: "in/.env: a named pipe (FIFO)" },
  {
    name: ".env links to a secrets file elsewhere",
    flags: C,
    files: { "compose.yaml": COMPOSE, ".env": { link: "/etc/passwd" } },
    exit: 2,
    expect: "in/.env: a link out of the folder (to /etc/passwd)",
  },

  // The compose file's text
  { name: "compose file not YAML", flags: C, files: { "compose.yaml": "services: [\n" }, exit: 2, expect: "in/compose.yaml: not valid YAML:" },
  { name: "compose file is a list", flags: C, files: { "compose.yaml": "- a\n" }, exit: 2, expect: "not a Compose file (expected a mapping with services:)" },
  {
    name: "compose file with two documents",
    flags: C,
    files: { "compose.yaml": `${COMPOSE}---\n${COMPOSE}` },
    exit: 2,
    expect: "not valid YAML: Source contains multiple documents",
  },
  {
    name: "alias bomb",
    flags: C,
    files: {
      "compose.yaml": `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
    },
    exit: 2,
    expect: "Excessive alias count",
  },
  {
    name: "no immich-server service",
    flags: C,
    files: { "compose.yaml": "services:\n  web: { image: nginx }\n" },
    exit: 2,
    expect: "no service runs the immich-server image",
  },
  {
    name: "server image is a number",
    flags: C,
    files: { "compose.yaml": "services:\n  immich-server: { image: 5 }\n" },
    exit: 2,
    expect: "no service runs the immich-server image",
  },
  {
    name: "values of the wrong type",
    flags: C,
    files: {
      "compose.yaml": compose("    labels: 5\n    ports: 2283\n    user: [1000]\n    environment: { TZ: { zone: x } }\n  redis: valkey\nnetworks: [a]\n"),
    },
    exit: 0,
    expect: "compose: services.immich-server.labels: expected a mapping, got the number 5; not mapped",
  },
  {
    name: "service and extends named like Object.prototype members",
    flags: C,
    files: {
      "compose.yaml": compose("    extends: { service: constructor }\n  constructor: { image: a }\n  __proto__: { image: b }\n  toString: { image: c }\n"),
    },
    exit: 0,
    expect: 'compose: hardware acceleration "constructor"',
    spec: ['# - compose: service "__proto__" (b)'],
  },

  // .env as Compose reads it
  {
    name: ".env quoted value with an inline comment",
    flags: C,
    files: {
      "compose.yaml": 'services:\n  immich-server:\n    image: ghcr.io/immich-app/immich-server:v2.7.5\n    volumes: ["${UPLOAD_LOCATION}:/data"]\n',
      ".env": 'UPLOAD_LOCATION="/srv/my photos" # the photos\n',
    },
    exit: 0,
    expect: "Wrote spec.yaml",
    spec: ["media: /srv/my photos"],
  },
  {
    name: ".env export, defaults and earlier names",
    flags: C,
    files: {
      "compose.yaml":
        'services:\n  immich-server:\n    image: ghcr.io/immich-app/immich-server:${IMMICH_VERSION:-v2.0.0}\n    volumes: ["${ROOT}/media:/data"]\n',
      ".env": "export ROOT=/srv/immich\nIMMICH_VERSION=\n",
    },
    exit: 0,
    expect: "Wrote spec.yaml",
    spec: ["media: /srv/immich/media", "version: v2.0.0"],
  },
  {
    name: "${HOME} from the environment",
    flags: C,
    files: { "compose.yaml": 'services:\n  immich-server:\n    image: ghcr.io/immich-app/immich-server:v2.7.5\n    volumes: ["${HOME}/immich:/data"]\n' },
    env: { HOME: "/home/ann" },
    exit: 0,
    expect: "compose: ${HOME} is not in .env; read from this shell's environment, as Compose would",
    spec: ["media: /home/ann/immich"],
  },
  {
    name: ".env line Compose refuses",
    flags: C,
    files: { "compose.yaml": COMPOSE, ".env": "A=1\nnot a line\n" },
    exit: 0,
    expect: "in/.env line 2: not a NAME=value line; not read",
  },
  {
    name: "required variable unset",
    flags: C,
    files: {
      "compose.yaml":
        'services:\n  immich-server:\n    image: ghcr.io/immich-app/immich-server:v2.7.5\n    volumes: ["/srv/immich:/data"]\n    environment: { TZ: "${TZ:?set TZ}" }\n',
    },
    exit: 0,
    expect: 'compose: "${TZ:?set TZ}": TZ is required: set TZ; read as empty',
  },
  {
    name: "merge keys",
    flags: C,
    files: {
      "compose.yaml": `x-base: &base\n  user: "1000:1000"\n  image: ${SERVER}\nservices:\n  immich-server:\n    <<: *base\n    user: "2000:2001"\n    volumes: ["/srv/immich:/data"]\n`,
    },
    exit: 0,
    expect: "Wrote spec.yaml",
    spec: ["uid: 2000", "gid: 2001"],
  },

  // Values that try to become YAML of their own
  {
    name: "newline in the image name",
    flags: C,
    files: {
      "compose.yaml":
        'services:\n  immich-server:\n    image: "ghcr.io/immich-app/immich-server:release\\nauth:\\n  passwordLogin: false"\n    volumes: ["/srv/immich:/data"]\n',
    },
    exit: 0,
    expect: "Wrote spec.yaml",
    spec: ["# guessed: the server image is not pinned (ghcr.io/immich-app/immich-server:release\\nauth:\\n  passwordLogin: false)"],
  },
  {
    name: "newline in a service name",
    flags: C,
    files: {
      "compose.yaml":
        'services:\n  "server\\nauth: { passwordLogin: false }":\n    image: ghcr.io/immich-app/immich-server:v2.7.5\n    volumes: ["/srv/immich:/data"]\n',
    },
    exit: 0,
    expect: 'targets.compose.services.server: "server\\nauth: { passwordLogin: false }" is not valid in a spec',
  },
  {
    name: "terminal escapes in a volume path",
    flags: C,
    files: {
      "compose.yaml": 'services:\n  immich-server:\n    image: ghcr.io/immich-app/immich-server:v2.7.5\n    volumes: ["/srv/immich\\e]0;owned\\a:/data"]\n',
    },
    // The media path cannot be said in a spec, so the render would mount another folder: an error, escaped.
    exit: 1,
    expect: "error        media: the install mounts bind /srv/immich\\x1B]0;owned\\x07 at /data; the render mounts bind /srv/immich at /data",
  },
  {
    name: "'#' and '---' in the time zone",
    flags: C,
    files: { "compose.yaml": compose('    environment: { TZ: "Europe/Berlin # x\\n---\\nauth: {passwordLogin: false}" }\n') },
    exit: 0,
    expect: 'immich.timezone: "Europe/Berlin # x\\n---\\nauth: {passwordLogin: false}" is not valid in a spec',
  },
  {
    name: "flow syntax in the project name",
    flags: C,
    files: { "compose.yaml": `name: "{auth: {oauth: {preset: generic, issuerUrl: 'https://evil'}}}"\n${COMPOSE}` },
    exit: 0,
    expect: "targets.compose.projectName:",
  },
  {
    name: "line separators and NEL in a service's image",
    flags: C,
    files: { "compose.yaml": compose('  other:\n    image: "x\\u2028auth: {passwordLogin: false}\\u0085---"\n') },
    exit: 0,
    expect: 'compose: service "other" (x\\u2028auth: {passwordLogin: false}\\x85---)',
  },

  // Kubernetes folders
  {
    name: "manifest is a FIFO",
    flags: K,
    files: { "server.yaml": DEPLOYMENT, "cluster.yaml": FIFO },
    exit: 2,
    expect: "in/cluster.yaml: a named pipe (FIFO), not a file",
  },
  {
    name: "editor's lock file beside the manifests",
    flags: K,
    files: { "server.yaml": DEPLOYMENT, ".#server.yaml": { link: "ann@laptop.4242:1733472000" } },
    exit: 2,
    expect: "in/.#server.yaml: a link to nothing (an editor's lock file?)",
  },
  {
    name: "manifest links to /dev/zero",
    flags: K,
    files: { "server.yaml": DEPLOYMENT, "zero.yaml": { link: "/dev/zero" } },
    exit: 2,
    expect: "in/zero.yaml: a link out of the folder (to /dev/zero)",
  },
  {
    name: "link to a folder outside",
    flags: K,
    files: { "server.yaml": DEPLOYMENT, base: { link: "/etc" } },
    exit: 0,
    expect: "kubernetes: in/base: a link to a folder; not followed",
  },
  { name: "no Kubernetes objects", flags: K, files: { "notes.yaml": "just: text\n" }, exit: 2, expect: "No Kubernetes objects in the YAML files of in." },
  { name: "manifest not YAML", flags: K, files: { "server.yaml": "kind: [\n" }, exit: 2, expect: "in/server.yaml: not valid YAML:" },
  {
    name: "numbers where text is expected",
    flags: K,
    files: {
      "server.yaml": DEPLOYMENT.replace("namespace: photos", "namespace: 5").replace("claimName: immich-upload", "claimName: 7"),
      "cluster.yaml": cluster("  storage: { size: [1] }\n"),
    },
    // The claim cannot be read, so the render would mount another one: an error.
    exit: 1,
    expect: "error        /data: the install mounts claim 7; the render mounts claim photos-upload",
  },
  {
    name: "CNPG parameters named like Object.prototype members",
    flags: K,
    files: {
      "server.yaml": DEPLOYMENT,
      "cluster.yaml": cluster("  postgresql:\n    parameters: { constructor: '1', __proto__: '2', toString: '3', max_connections: '200' }\n"),
    },
    exit: 0,
    expect: 'targets.kubernetes.database.parameters.constructor: "1" is not valid in a spec',
    spec: ['max_connections: "200"'],
  },
];
