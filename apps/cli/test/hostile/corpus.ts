/**
 * Hostile and malformed specs, each with the exit code `validate` gives it and a fragment of what
 * it prints. Each case is the base spec below with one edit, or a whole text. Exit 0 cases must also
 * render on every target.
 */

export const BASE = `apiVersion: immich-family.dev/v1alpha1
kind: ImmichFamily
metadata:
  name: smiths
immich:
  version: v2.7.5
hosts:
  web: photos.smith.family
  mobile: app.smith.family
auth:
  oauth:
    preset: google
    clientId: \${OAUTH_CLIENT_ID}
storageTemplate:
  template: "{{y}}/{{MM}}/{{filename}}"
members:
  ann:
    name: Ann
    email: ann@smith.family
    admin: true
  bob:
    name: Bob
    email: bob@smith.family
libraries:
  photos:
    owner: ann
    path: /mnt/photos
    exclusionPatterns: ["**/raw/**"]
    albums:
      shareWith:
        - { member: bob, role: editor }
database:
  postgresMajor: 16
  vectorVersion: 0.3.0
targets:
  kubernetes:
    libraries:
      photos:
        nfs: { server: nas.lan, share: /volume1/photos }
  compose:
    user: { uid: 1000, gid: 1000 }
    paths:
      media: /srv/immich
    libraries:
      photos: { hostPath: /srv/photos }
`;

export interface HostileCase {
  readonly name: string;
  /** Replace the first `from` of the base spec with `to` (checked to exist), or give the whole text. */
  readonly edit?: readonly [from: string, to: string];
  readonly text?: string;
  readonly exit: 0 | 2;
  /** A fragment of the printed diagnostics (one-line forms and frames); empty for a clean spec. */
  readonly expect: string;
}

const MEDIA = "      media: /srv/immich";
const NFS = "nfs: { server: nas.lan, share: /volume1/photos }";
const nfs = (inner: string): [string, string] => [NFS, `nfs: { ${inner} }`];
const VERSION = "  version: v2.7.5";
const TZ = (tz: string): [string, string] => [VERSION, `${VERSION}\n  timezone: ${tz}`];
const K8S = (lines: string): [string, string] => ["  kubernetes:\n", `  kubernetes:\n${lines}\n`];
const COMPOSE = (lines: string): [string, string] => ["  compose:\n", `  compose:\n${lines}\n`];
const BOB = (value: string): [string, string] => ["    name: Bob", `    name: ${value}`];
const OAUTH = (lines: string): [string, string] => ["    clientId: ${OAUTH_CLIENT_ID}", `    clientId: \${OAUTH_CLIENT_ID}\n${lines}`];
const DB = (lines: string): [string, string] => ["  postgresMajor: 16", `  postgresMajor: 16\n${lines}`];
const LIB = (lines: string): [string, string] => ["    owner: ann", `    owner: ann\n${lines}`];

export const CORPUS: readonly HostileCase[] = [
  // Host paths (Compose bind mounts)
  { name: "host path with ':'", edit: [MEDIA, "      media: /srv/immich:/etc"], exit: 2, expect: "targets.compose.paths.media: expected a path without ':'" },
  { name: "host path with a newline", edit: [MEDIA, '      media: "/srv/immich\\n/etc"'], exit: 2, expect: "expected a path on one line" },
  { name: "host path with $VAR", edit: [MEDIA, "      media: /srv/$HOME/immich"], exit: 2, expect: "expected no '$' in a host path" },
  { name: "host path with ${VAR}", edit: [MEDIA, "      media: /srv/${HOME}"], exit: 2, expect: "expected no '$' in a host path" },
  { name: "host path with an escaped $$", edit: [MEDIA, "      media: /srv/cost$$center"], exit: 0, expect: "" },
  { name: "host path relative without ./", edit: [MEDIA, "      media: srv/immich"], exit: 2, expect: "expected an absolute path or one starting with ./" },
  { name: "host path climbing out with ..", edit: [MEDIA, "      media: ./data/../../etc"], exit: 2, expect: "expected no '..' segments" },
  { name: "host path with a NUL byte", edit: [MEDIA, '      media: "/srv/imm\\0ich"'], exit: 2, expect: "control character \\x00 in a value" },
  { name: "host path with a tab", edit: [MEDIA, '      media: "/srv/imm\\tich"'], exit: 2, expect: "expected a path on one line, without tabs" },
  {
    name: "library host path with ':ro,z'",
    edit: ["{ hostPath: /srv/photos }", "{ hostPath: '/srv/photos:/etc:rw' }"],
    exit: 2,
    expect: "targets.compose.libraries.photos.hostPath: expected a path without ':'",
  },
  {
    name: "library host path '.'-less relative",
    edit: ["{ hostPath: /srv/photos }", "{ hostPath: photos }"],
    exit: 2,
    expect: "expected an absolute path or one starting with ./",
  },
  {
    name: "library container path with ':'",
    edit: ["    path: /mnt/photos", "    path: /mnt/photos:rw"],
    exit: 2,
    expect: "libraries.photos.path: expected a path without ':'",
  },
  { name: "library container path with $", edit: ["    path: /mnt/photos", "    path: /mnt/$photos"], exit: 2, expect: "expected a path without '$'" },
  { name: "library path with //", edit: ["    path: /mnt/photos", "    path: /mnt//photos"], exit: 2, expect: "expected no empty segments" },
  {
    name: "database folder inside the media folder",
    edit: [MEDIA, "      media: /srv/immich\n      database: /srv/immich/postgres"],
    exit: 2,
    expect: "the database folder /srv/immich/postgres is inside paths.media (/srv/immich) [compose-paths]".replace(" [compose-paths]", ""),
  },
  {
    name: "database folder equal to the backups",
    edit: [MEDIA, "      media: /srv/immich\n      database: ./backups\n      backups: ./backups/"],
    exit: 2,
    expect: "is inside paths.backups",
  },

  // NFS
  {
    name: "NFS server 'a;rm -rf /'",
    edit: nfs('server: "a;rm -rf /", share: /volume1/photos'),
    exit: 2,
    expect: 'nfs.server: expected a host name (nas.lan) or an IP address (192.168.1.10), got "a;rm -rf /"',
  },
  {
    name: "NFS server $(reboot)",
    edit: nfs('server: "$(reboot)", share: /volume1/photos'),
    exit: 2,
    expect: "expected a host name (nas.lan) or an IP address",
  },
  {
    name: "NFS server with a path",
    edit: nfs("server: nas.lan/volume1, share: /volume1/photos"),
    exit: 2,
    expect: "expected a host name (nas.lan) or an IP address",
  },
  {
    name: "NFS server with a space",
    edit: nfs("server: 'nas lan', share: /volume1/photos"),
    exit: 2,
    expect: "expected a host name (nas.lan) or an IP address",
  },
  { name: "NFS server IPv4", edit: nfs("server: 192.168.1.10, share: /volume1/photos"), exit: 0, expect: "" },
  { name: "NFS server IPv6", edit: nfs("server: 'fd00::10', share: /volume1/photos"), exit: 0, expect: "" },
  { name: "NFS server bad IPv4", edit: nfs("server: 999.1.1.1, share: /volume1/photos"), exit: 2, expect: "expected a host name (nas.lan) or an IP address" },
  {
    name: "NFS subDir ../../..",
    edit: nfs("server: nas.lan, share: /volume1/photos, subDir: ../../.."),
    exit: 2,
    expect: "nfs.subDir: expected no '..' segments",
  },
  {
    name: "NFS subDir absolute",
    edit: nfs("server: nas.lan, share: /volume1/photos, subDir: /etc"),
    exit: 2,
    expect: "expected a relative path such as public/photos",
  },
  { name: "NFS share relative", edit: nfs("server: nas.lan, share: volume1"), exit: 2, expect: "nfs.share: expected an absolute path starting with /" },
  { name: "NFS share with ..", edit: nfs("server: nas.lan, share: /volume1/../etc"), exit: 2, expect: "nfs.share: expected no '..' segments" },
  {
    name: "NFS mount option injection",
    edit: nfs('server: nas.lan, share: /volume1/photos, mountOptions: ["hard,exec"]'),
    exit: 2,
    expect: "expected a mount option such as nfsvers=4.1 or hard",
  },

  // Time zones
  { name: "junk time zone", edit: TZ("Mars/Olympus_Mons"), exit: 2, expect: "immich.timezone: expected an IANA time zone" },
  { name: "time zone path traversal", edit: TZ("../../etc/passwd"), exit: 2, expect: "expected an IANA time zone" },
  { name: "time zone in the wrong case", edit: TZ("europe/berlin"), exit: 2, expect: "expected the time zone spelt Europe/Berlin" },
  { name: "time zone with a shell", edit: TZ("'UTC; reboot'"), exit: 2, expect: "expected an IANA time zone" },
  { name: "time zone UTC", edit: TZ("UTC"), exit: 0, expect: "" },
  { name: "time zone placeholder", edit: TZ("${TZ}"), exit: 2, expect: "expected an IANA time zone" },

  // The Immich version
  {
    name: "Immich v1.99.0",
    edit: [VERSION, "  version: v1.99.0"],
    exit: 2,
    expect: "immich.version: expected an Immich release on a supported line, >=v2.0.0 <v4.0.0",
  },
  { name: "Immich v4.0.0", edit: [VERSION, "  version: v4.0.0"], exit: 2, expect: ">=v2.0.0 <v4.0.0" },
  { name: "Immich latest", edit: [VERSION, "  version: latest"], exit: 2, expect: "expected a version such as v2.7.5" },
  { name: "Immich release candidate", edit: [VERSION, "  version: v2.7.5-rc1"], exit: 2, expect: "expected a version such as v2.7.5" },
  { name: "Immich version as a number", edit: [VERSION, "  version: 2.7"], exit: 2, expect: "expected a string, got number 2.7" },
  { name: "Immich 3.1.0 without v", edit: [VERSION, "  version: 3.1.0"], exit: 0, expect: "" },

  // uid and gid
  { name: "gid 2^40", edit: ["gid: 1000 }", "gid: 1099511627776 }"], exit: 2, expect: "targets.compose.user.gid: expected a number <= 2147483647" },
  { name: "uid -1", edit: ["{ uid: 1000,", "{ uid: -1,"], exit: 2, expect: "expected a number >= 0" },
  { name: "uid 1.5", edit: ["{ uid: 1000,", "{ uid: 1.5,"], exit: 2, expect: "targets.compose.user.uid: expected an integer" },
  { name: "uid as a string", edit: ["{ uid: 1000,", "{ uid: '1000',"], exit: 2, expect: 'expected an integer, got "1000"' },
  { name: "uid .inf", edit: ["{ uid: 1000,", "{ uid: .inf,"], exit: 2, expect: "targets.compose.user.uid" },

  // NUL bytes and other control characters
  { name: "NUL byte in metadata.name", edit: ["  name: smiths", '  name: "smi\\0ths"'], exit: 2, expect: "control character \\x00 in a value" },
  { name: "NUL byte in a member name", edit: BOB('"Bo\\0b"'), exit: 2, expect: "members.bob.name: control character \\x00" },
  { name: "NUL byte in a member key", edit: ["  bob:\n", '  "b\\0b":\n'], exit: 2, expect: "control character \\x00 in a key" },
  { name: "raw NUL byte in the text", edit: BOB("Bo\0b"), exit: 2, expect: "control character \\x00 in a value" },
  { name: "ESC clear-screen in a name", edit: BOB('"\\e[2J\\e[HBob"'), exit: 2, expect: "control character \\x1B in a value" },
  { name: "OSC window title in a name", edit: BOB('"\\e]0;owned\\aBob"'), exit: 2, expect: "control character \\x1B" },
  { name: "raw ESC in the text", edit: BOB("Bob\x1b[31mred\x1b[0m"), exit: 2, expect: "Bob\\x1B[31mred\\x1B[0m" },
  { name: "C1 CSI in a value", edit: BOB('"Bob\\u009b31m"'), exit: 2, expect: "control character \\x9B" },
  { name: "DEL in a value", edit: BOB('"Bob\\x7f"'), exit: 2, expect: "control character \\x7F" },
  { name: "backspace in a value", edit: BOB('"Bob\\bX"'), exit: 2, expect: "control character \\x08" },
  { name: "carriage return in a value", edit: BOB('"Bob\\rX"'), exit: 2, expect: "control character \\r" },
  { name: "ESC in an unknown key", edit: BOB('Bob\n    "ad\\e[31mmin": true'), exit: 2, expect: 'unknown key "ad\\x1B[31mmin"' },
  { name: "ESC in an unclosed quote", edit: BOB('"Bob\x1b[2J'), exit: 2, expect: "YAML syntax" },
  { name: "ESC in a duplicate key", edit: ["  bob:\n", "  bob:\n    name: B\x1b[2J\n"], exit: 2, expect: "duplicate key" },
  { name: "ESC in an enum value", edit: ["    preset: google", '    preset: "goo\\e[2Jgle"'], exit: 2, expect: 'got "goo\\x1B[2Jgle"' },
  { name: "right-to-left override in a name", edit: BOB('"Bob\\u202Efdp.exe"'), exit: 0, expect: "" },
  { name: "tab and newline in a name", edit: BOB('"Bob\\tthe\\nbuilder"'), exit: 0, expect: "" },

  // ${KEY} outside secret fields
  {
    name: "placeholder in buttonText",
    edit: OAUTH("    buttonText: Log in with ${PROVIDER}"),
    exit: 2,
    expect: "auth.oauth.buttonText: ${PROVIDER} is a secret placeholder",
  },
  {
    name: "placeholder in the storage template",
    edit: ['"{{y}}/{{MM}}/{{filename}}"', '"{{y}}/${USER}/{{filename}}"'],
    exit: 2,
    expect: "storageTemplate.template: ${USER} is a secret placeholder",
  },
  { name: "placeholder in a member name", edit: BOB("${BOB}"), exit: 2, expect: "members.bob.name: ${BOB} is a secret placeholder" },
  {
    name: "placeholder in a literal client id",
    edit: ["    clientId: ${OAUTH_CLIENT_ID}", "    clientId: x-${OAUTH_CLIENT_ID}"],
    exit: 2,
    expect: "auth.oauth.clientId: ${OAUTH_CLIENT_ID} is a secret placeholder",
  },
  { name: "placeholder in the OAuth scope", edit: OAUTH("    scope: openid ${SCOPES}"), exit: 2, expect: "auth.oauth.scope: ${SCOPES}" },
  {
    name: "placeholder in an exclusion pattern",
    edit: ['["**/raw/**"]', '["**/${SKIP}/**"]'],
    exit: 2,
    expect: "libraries.photos.exclusionPatterns.0: ${SKIP}",
  },
  {
    name: "placeholder in Traefik forwardAuth",
    edit: COMPOSE("    traefik: { forwardAuth: '${MW}' }"),
    exit: 2,
    expect: "targets.compose.traefik.forwardAuth",
  },
  {
    name: "placeholder in trusted proxies",
    edit: [VERSION, `${"  version: v2.7.5"}\n  trustedProxies: ["\${PROXY}"]`],
    exit: 2,
    expect: "immich.trustedProxies.0",
  },
  {
    name: "placeholder in an album rename",
    edit: ["    albums:\n", "    albums:\n      rename: [{ pattern: x, replacement: '${Y}' }]\n"],
    exit: 2,
    expect: "rename.0.replacement: ${Y} is a secret placeholder",
  },
  { name: "unclosed placeholder", edit: BOB("${BOB"), exit: 2, expect: "${BOB is a secret placeholder" },
  { name: "placeholder where a secret belongs", edit: DB("  password: ${PG_PASSWORD}"), exit: 0, expect: "" },
  { name: "literal password", edit: DB("  password: hunter2"), exit: 2, expect: "got a literal value" },
  { name: "bare secret key name", edit: DB("  password: DB_PASSWORD"), exit: 2, expect: "got the bare key name DB_PASSWORD" },

  // Size and shape limits
  {
    name: "a 70 KiB member name",
    edit: BOB("B".repeat(70 * 1024)),
    exit: 2,
    expect: "members.bob.name: this value is 70 KiB; a single value may be at most 64 KiB [too-large]",
  },
  { name: "a 2 MiB spec", text: `${"# padding\n".repeat(210_000)}`, exit: 2, expect: "the spec is 2.0 MiB; a spec may be at most 1 MiB" },
  { name: "a spec just over 1 MiB", edit: ["apiVersion:", `# ${"x".repeat(1024 * 1024)}\napiVersion:`], exit: 2, expect: "[too-large]" },
  {
    name: "flow lists 50,000 deep",
    text: `members: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`,
    exit: 2,
    expect: "nests mappings and lists more than 64 levels deep [too-deep]",
  },
  { name: "block mappings 300 deep", text: Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"), exit: 2, expect: "[too-deep]" },
  {
    name: "an alias bomb",
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
    exit: 2,
    expect: "YAML: Excessive alias count",
  },
  { name: "a 64 KiB implicit key", edit: ["  bob:\n", `  ${"k".repeat(65 * 1024)}: 1\n  bob:\n`], exit: 2, expect: "YAML syntax" },
  {
    name: "many members, still small",
    edit: ["members:\n", `members:\n${Array.from({ length: 300 }, (_, i) => `  m${i}: { name: Member ${i}, email: m${i}@smith.family }\n`).join("")}`],
    exit: 0,
    expect: "",
  },

  // Renderer checks, now rules
  {
    name: "plugin backup without its plugin",
    edit: K8S("    database:\n      backup: { schedule: '0 0 3 * * *', method: plugin }"),
    exit: 2,
    expect: "method plugin needs pluginName [kubernetes-backup]".replace(" [kubernetes-backup]", ""),
  },
  {
    name: "barman-cloud without its object store",
    edit: K8S("    database:\n      backup: { schedule: '0 0 3 * * *', method: plugin, pluginName: barman-cloud.cloudnative-pg.io }"),
    exit: 2,
    expect: "the Barman Cloud plugin needs its object store",
  },
  {
    name: "barman-cloud with its object store",
    edit: K8S(
      "    database:\n      backup: { schedule: '0 0 3 * * *', method: plugin, pluginName: barman-cloud.cloudnative-pg.io, pluginParameters: { barmanObjectName: minio } }",
    ),
    exit: 0,
    expect: "",
  },
  { name: "entra without tenant", edit: ["    preset: google", "    preset: entra"], exit: 2, expect: "preset entra needs tenantId" },
  { name: "generic without issuer", edit: ["    preset: google", "    preset: generic"], exit: 2, expect: "preset generic needs issuerUrl" },
  {
    name: "library without a compose source",
    edit: ["      photos: { hostPath: /srv/photos }", "      fotos: { hostPath: /srv/photos }"],
    exit: 2,
    expect: '"fotos" is not a declared library',
  },

  // Names that become object names
  { name: "metadata.name with a trailing dash", edit: ["  name: smiths", "  name: smiths-"], exit: 2, expect: "metadata.name: expected a lowercase name" },
  { name: "metadata.name of 41 characters", edit: ["  name: smiths", `  name: ${"s".repeat(41)}`], exit: 2, expect: "at most 40 characters" },
  { name: "metadata.name with a dot", edit: ["  name: smiths", "  name: smiths.family"], exit: 2, expect: "metadata.name: expected a lowercase name" },
  { name: "namespace in capitals", edit: K8S("    namespace: Immich"), exit: 2, expect: "targets.kubernetes.namespace: expected a namespace name" },
  { name: "namespace of 64 characters", edit: K8S(`    namespace: ${"n".repeat(64)}`), exit: 2, expect: "expected a namespace name" },
  {
    name: "existing Secret with '_'",
    edit: K8S("    secrets: { existingSecret: immich_keys }"),
    exit: 2,
    expect: "existingSecret: expected a Kubernetes object name",
  },
  {
    name: "existing claim with a space",
    edit: ["nfs: { server: nas.lan, share: /volume1/photos }", "existingClaim: 'my photos'"],
    exit: 2,
    expect: "expected a Kubernetes object name",
  },
  {
    name: "TLS secret with a slash",
    edit: K8S("    ingress: { tlsSecretName: other-ns/immich-tls }"),
    exit: 2,
    expect: "tlsSecretName: expected a Kubernetes object name",
  },
  { name: "storage class in capitals", edit: K8S("    storageClass: Longhorn"), exit: 2, expect: "storageClass: expected a Kubernetes object name" },
  { name: "database name ending in '_'", edit: DB("  name: immich_"), exit: 2, expect: "database.name: expected a lowercase name of letters, digits and '_'" },
  { name: "database user with a dash", edit: DB("  user: immich-app"), exit: 2, expect: "database.user: expected a lowercase name" },
  { name: "library handle in capitals", edit: ["  photos:\n    owner", "  Photos:\n    owner"], exit: 2, expect: 'invalid key "Photos"' },
  { name: "image with a shell", edit: COMPOSE("    redisImage: 'valkey:8; rm -rf /'"), exit: 2, expect: "redisImage: expected an image reference" },
  { name: "image with a placeholder", edit: K8S("    redisImage: 'valkey/valkey:${TAG}'"), exit: 2, expect: "expected an image reference" },
  { name: "network name with a space", edit: COMPOSE("    networks: { frontend: 'traefik net' }"), exit: 2, expect: "expected a Docker network name" },
  { name: "project name in capitals", edit: COMPOSE("    projectName: Immich"), exit: 2, expect: "targets.compose.projectName" },
  { name: "env file with $", edit: COMPOSE("    envFile: $HOME/.env"), exit: 2, expect: "envFile: expected no '$'" },
  { name: "Traefik entrypoint with a space", edit: COMPOSE("    traefik: { entrypoint: 'web secure' }"), exit: 2, expect: "expected a Traefik name" },
  {
    name: "trusted proxy by host name",
    edit: [VERSION, `${"  version: v2.7.5"}\n  trustedProxies: [traefik.lan]`],
    exit: 2,
    expect: "expected an IP address or CIDR range",
  },
  { name: "trusted proxy CIDR", edit: [VERSION, `${"  version: v2.7.5"}\n  trustedProxies: [172.16.0.0/12, "fd00::/8"]`], exit: 0, expect: "" },
  {
    name: "entra tenant path traversal",
    edit: ["    preset: google", "    preset: entra\n    tenantId: '../../evil.example'"],
    exit: 2,
    expect: "auth.oauth.tenantId: expected a tenant ID",
  },
  {
    name: "host name with a scheme",
    edit: ["  web: photos.smith.family", "  web: https://photos.smith.family"],
    exit: 2,
    expect: "hosts.web: expected a lowercase DNS host name",
  },
  {
    name: "host name with a trailing dot",
    edit: ["  web: photos.smith.family", "  web: photos.smith.family."],
    exit: 2,
    expect: "hosts.web: expected a lowercase DNS host name",
  },
  {
    name: "internationalised host name",
    edit: ["  web: photos.smith.family", "  web: fotos.müller.family"],
    exit: 2,
    expect: "hosts.web: expected a lowercase DNS host name",
  },
  {
    name: "email with a newline",
    edit: ["    email: bob@smith.family", '    email: "bob@smith.family\\nBcc: x@evil"'],
    exit: 2,
    expect: "members.bob.email: expected an email address",
  },

  // YAML
  { name: "tabs as indentation", edit: ["  bob:\n    name: Bob", "  bob:\n\tname: Bob"], exit: 2, expect: "YAML syntax" },
  { name: "duplicate key", edit: BOB("Bob\n    name: Robert"), exit: 2, expect: 'duplicate key "name"' },
  { name: "unclosed flow mapping", edit: ["{ uid: 1000, gid: 1000 }", "{ uid: 1000, gid: 1000"], exit: 2, expect: "YAML syntax" },
  { name: "unknown top-level key", edit: ["apiVersion:", "hacks: true\napiVersion:"], exit: 2, expect: 'unknown key "hacks"' },
  { name: "empty file", text: "", exit: 2, expect: "the spec is empty" },
  { name: "only comments", text: "# nothing here\n# at all\n", exit: 2, expect: "the spec is empty" },
  { name: "a scalar document", text: "hello\n", exit: 2, expect: "expected a mapping" },
  { name: "a list document", text: "- a\n- b\n", exit: 2, expect: "expected a mapping" },
  { name: "two documents", edit: ["apiVersion:", "---\na: 1\n---\napiVersion:"], exit: 2, expect: "YAML syntax" },
  { name: "a merge key", edit: ["  bob:\n    name: Bob", "  bob:\n    <<: { name: Bob }"], exit: 2, expect: 'unknown key "<<"' },
  { name: "a binary tag", edit: BOB("!!binary aGVsbG8="), exit: 2, expect: "members.bob.name: expected a string" },
  { name: "anchors and aliases", edit: ['exclusionPatterns: ["**/raw/**"]', 'exclusionPatterns: &ex ["**/raw/**"]'], exit: 0, expect: "" },
  { name: "a byte order mark", edit: ["apiVersion:", "\uFEFFapiVersion:"], exit: 0, expect: "" },
  { name: "CRLF line endings", text: "CRLF", exit: 0, expect: "" },
  {
    name: "members as a list",
    edit: ["members:\n  ann:", "members:\n  - ann:"],
    exit: 2,
    expect: "YAML syntax: All mapping items must start at the same column",
  },
  { name: "members as a flow list", edit: ["members:\n", "members: [ann, bob]\nmembrs:\n"], exit: 2, expect: "members: expected a mapping, got a list" },
  {
    name: "a null member",
    edit: ["  bob:\n    name: Bob\n    email: bob@smith.family\n", "  bob:\n"],
    exit: 2,
    expect: "members.bob: expected a mapping, got null",
  },
  { name: "a numeric member key", edit: ["  bob:\n", "  42:\n"], exit: 2, expect: 'invalid key "42"' },
  { name: "postgres major 1e400", edit: ["  postgresMajor: 16", "  postgresMajor: 1e400"], exit: 2, expect: "database.postgresMajor" },
  { name: "instances .nan", edit: K8S("    database: { instances: .nan }"), exit: 2, expect: "targets.kubernetes.database.instances" },
  { name: "instances 0", edit: K8S("    database: { instances: 0 }"), exit: 2, expect: "expected a positive number" },

  // Cross-field rules
  { name: "an unbalanced exclusion glob", edit: ['["**/raw/**"]', '["**/raw/**", "[abc"]'], exit: 2, expect: "the glob does not compile" },
  { name: "an unknown storage template token", edit: ['"{{y}}/{{MM}}/{{filename}}"', '"{{yyyy}}/{{filename}}"'], exit: 2, expect: "unknown token {{yyyy}}" },
  { name: "a junk Immich cron", edit: LIB("    rescan: { by: immich, cron: 'every night' }"), exit: 2, expect: "Immich would refuse this cron" },
  { name: "an import path outside the library", edit: LIB("    importPaths: [/etc]"), exit: 2, expect: "is not under the library path /mnt/photos" },
  { name: "an import path climbing out", edit: LIB("    importPaths: [../../etc]"), exit: 2, expect: "expected no '..' segments" },
  {
    name: "sharing with the owner",
    edit: ["{ member: bob, role: editor }", "{ member: ann, role: editor }"],
    exit: 2,
    expect: "cannot also be a share target",
  },
  {
    name: "a quantity in the wrong unit",
    edit: ["    email: bob@smith.family", "    email: bob@smith.family\n    quota: 500GB"],
    exit: 2,
    expect: "expected a quantity",
  },
  { name: "album levels 0", edit: ["    albums:\n", "    albums:\n      levels: 0\n"], exit: 2, expect: "album levels cannot be 0" },
  { name: "pomerium allowed user not an email", edit: K8S("    ingress: { pomerium: { allowedUsers: ['*'] } }"), exit: 2, expect: "expected an email address" },
  { name: "every problem at once", edit: ["  postgresMajor: 16", "  postgresMajor: 99\n  name: Immich"], exit: 2, expect: "database.name" },
];
