import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkComposeReferences, renderCompose } from "@family/immich-compose";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { renderKubernetes } from "@family/immich-k8s";
import {
  envFileTemplate,
  type ImmichFamilySpec,
  oauthRedirectUris,
  parseSpec,
  renderImmichConfigTemplate,
  secretKeys,
  templateKeys,
} from "@family/immich-spec";
import { type Draft, examplesDir, exampleText, minimalInput, secretRef, specBuilder } from "@family/test-kit";
import fc from "fast-check";
import { afterEach, beforeEach, expect } from "vitest";
import { parse, parseAllDocuments, parseDocument } from "yaml";
import type { CommandContext, CommandMain, Flags } from "../src/_command.js";
import { toCliError } from "../src/_errors.js";
import type { Io } from "../src/_io.js";

export { type Draft, exampleFiles, exampleInput, exampleText, minimalInput, secretRef } from "@family/test-kit";
/** The spec builders of every package's tests (`@family/test-kit`), over the spec package's parser. */
export const { specFromText, specText } = specBuilder(parseSpec);

/**
 * An example spec, parsed; `set` and `remove` (dotted paths into its YAML) change its text first, the
 * way a user edits one value.
 */
export function exampleSpec(name: string, set: Record<string, unknown> = {}, remove: readonly string[] = []): ImmichFamilySpec {
  const doc = parseDocument(exampleText(name));
  for (const [path, value] of Object.entries(set)) doc.setIn(path.split("."), value);
  for (const path of remove) doc.deleteIn(path.split("."));
  return specFromText(doc.toString(), `examples/${name.endsWith(".yaml") ? name : `${name}.yaml`}`);
}

// The built CLI.

/** The built entry point; turbo builds the CLI and its dependencies before its tests run. */
export const BUILT_CLI = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
/** The repository's `examples/` folder, as a path. */
export const EXAMPLES = fileURLToPath(examplesDir);

/** Run the built `immich-family` with `args` in `cwd`, `input` on its standard input. */
export function runCli(args: readonly string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BUILT_CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    ...(input === undefined ? {} : { input }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run the built `immich-family` without blocking the event loop, so a fake server in this process can
 * answer it. `env` is added to the process's.
 */
export function runCliAsync(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** The built `immich-family` started with `args` in `cwd`, its standard input a pipe left open, for tests that signal or kill it. */
export function startCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (status, signal) => resolvePromise({ status, signal, stdout, stderr }));
  });
  return { child, exited, output: () => `${stdout}${stderr}` };
}

// Commands called as functions.

/** An Io that records what a command printed. */
export function recordingIo(isTTY = false): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, isTTY, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}

/** The context a command function runs in: `cwd`, what it prints recorded in `io`, `env` as its environment, a signal never aborted. */
export function commandContext(cwd: string, io: Io = recordingIo(), env: NodeJS.ProcessEnv = {}): CommandContext {
  return { cwd, io, env, signal: new AbortController().signal };
}

/**
 * Run a command function as the entry point does: a failure the CLI knows goes to stderr as
 * `error: <message>` and its details, and gives the exit code; any other error is thrown. `signal`
 * stands for SIGINT/SIGTERM.
 */
export async function runCommand(
  main: CommandMain,
  cwd: string,
  args: readonly (string | undefined)[],
  flags: Flags = {},
  env: NodeJS.ProcessEnv = {},
  signal?: AbortSignal,
): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  let code: number;
  try {
    code = await main({ ...commandContext(cwd, io, env), ...(signal ? { signal } : {}) }, args, flags);
  } catch (thrown) {
    const error = toCliError(thrown);
    if (!error) throw thrown;
    io.stderr(`error: ${error.message}`);
    for (const line of error.details) io.stderr(line);
    code = error.exitCode;
  }
  return { code, out: io.out.join("\n"), err: io.err.join("\n") };
}

// What a user sees, for inline snapshots.

const escapeForRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const TEMP_ROOTS = [...new Set([tmpdir(), realpathSync(tmpdir())])].map(escapeForRegExp).join("|");
/** A folder a test made under the system's temp folder (`mkdtemp`), with or without its links resolved. */
const TEMP_FOLDER = new RegExp(`(?:${TEMP_ROOTS})/[^/\\s"':]+`, "g");

/** `text` without this machine's paths: the repository's `examples/` is `<examples>`, each temp folder a test made is `<tmp>`. */
export function withoutMachinePaths(text: string): string {
  return text.replaceAll(EXAMPLES.replace(/\/$/, ""), "<examples>").replace(TEMP_FOLDER, "<tmp>");
}

/**
 * A run as its user sees it, for an inline snapshot: the exit code, then what it printed on stdout
 * and on stderr (each left out when empty), without this machine's paths. Takes `runCli`'s and
 * `runCommand`'s results.
 */
export function seen(run: { status: number | null; stdout: string; stderr: string } | { code: number; out: string; err: string }): string {
  const [code, stdout, stderr] = "code" in run ? [run.code, run.out, run.err] : [run.status, run.stdout, run.stderr];
  const streams = [stdout.trim() ? `--- stdout\n${stdout.trimEnd()}` : "", stderr.trim() ? `--- stderr\n${stderr.trimEnd()}` : ""];
  return withoutMachinePaths([`exit ${code}`, ...streams.filter((s) => s !== "")].join("\n"));
}

/** The paragraph of `text` (lines up to the next blank line) whose first line starts with `heading`; empty when there is none. */
export function paragraph(text: string, heading: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(heading));
  if (at < 0) return "";
  const end = lines.indexOf("", at);
  return lines.slice(at, end < 0 ? undefined : end).join("\n");
}

/** A temp folder with a spec whose library lives in it, a fake Immich with ann (admin) and bob, and a context for commands. */
export async function immichFixture() {
  const dir = mkdtempSync(join(tmpdir(), "cli-immich-"));
  const fake: FakeImmich = await createFakeImmich();
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  const bob = fake.addUser({ email: "bob@example.com" });
  const adminKey = fake.addApiKey(ann, ["all"], "worker");
  const add = (rel: string) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rel);
  };
  add("photos/family/2024/a.jpg");
  /** (Re)writes the spec; `library` adds fields to the family library (e.g. `albums`). */
  const writeSpec = (library: Draft = {}) =>
    writeFileSync(
      join(dir, "immich-family.yaml"),
      specText(
        minimalInput(
          { family: { owner: "ann", path: `${dir}/photos/family`, exclusionPatterns: ["**/raw/**"], ...library } },
          { immich: { version: "v3.1.0" }, worker: { apiKey: secretRef("WORKER_KEY") } },
        ),
      ),
    );
  writeSpec();
  const context = (env?: NodeJS.ProcessEnv, signal?: CommandContext["signal"]) => {
    const io = recordingIo();
    const ctx: CommandContext = { ...commandContext(dir, io, env ?? { IMMICH_URL: fake.url, WORKER_KEY: adminKey }), ...(signal ? { signal } : {}) };
    return { ctx, io };
  };
  return {
    dir,
    fake,
    ann,
    bob,
    adminKey,
    add,
    writeSpec,
    context,
    cleanup: async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ImmichFixture = Awaited<ReturnType<typeof immichFixture>>;

/** An `immichFixture` made fresh before each test of the file and cleaned up after it: one object, refilled. */
export function immichFixtureEach(): ImmichFixture {
  const fx = {} as ImmichFixture;
  beforeEach(async () => {
    Object.assign(fx, await immichFixture());
  });
  afterEach(() => fx.cleanup());
  return fx;
}

// Stand-in kubectl and docker for the preflight checks.

/**
 * A folder to be the whole PATH, holding stand-in `kubectl` and `docker` scripts that answer like the
 * real tools. They use only shell builtins, so nothing else on the machine is reached, and log every
 * call to `calls`.
 */
export function standIns(): { dir: string; env: NodeJS.ProcessEnv; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), "preflight-path-"));
  writeFileSync(join(dir, "calls"), "");
  return { dir, env: { PATH: dir }, calls: () => readFileSync(join(dir, "calls"), "utf8").split("\n").filter(Boolean) };
}

function script(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> "\${0%/*}/calls"\n${body}`);
  chmodSync(join(dir, name), 0o755);
}

/**
 * A stand-in kubectl knowing `objects` ("<kind> <name>", e.g. "crd clusters.postgresql.cnpg.io") as
 * `kubectl get <kind> <name>` does: the name on stdout and exit 0, or `Error from server (NotFound)`
 * and exit 1. `kubectl get storageclass -o json` prints `storageClassesJson`. `kubectl get ingressclass <name> -o
 * jsonpath=…` prints the controller written after the name ("ingressclass nginx k8s.io/ingress-nginx"), Pomerium's by default.
 */
export function fakeKubectl(dir: string, objects: readonly string[], storageClassesJson = '{"items":[]}'): void {
  writeFileSync(join(dir, "objects"), `${objects.join("\n")}\n`);
  writeFileSync(join(dir, "storageclasses.json"), `${storageClassesJson}\n`);
  script(
    dir,
    "kubectl",
    `here="\${0%/*}"
if [ "$1 $2 $3" = "get --raw /version" ]; then echo '{"major":"1","minor":"31","gitVersion":"v1.31.2"}'; exit 0; fi
if [ "$1" = get ] && [ "$2" = storageclass ] && [ "$3" = -o ]; then
  while IFS= read -r line; do echo "$line"; done < "$here/storageclasses.json"; exit 0
fi
if [ "$1" = get ] && [ "$2" = ingressclass ] && [ "$4" = -o ]; then
  while IFS= read -r line; do
    case "$line" in
      "ingressclass $3") echo "pomerium.io/ingress-controller"; exit 0 ;;
      "ingressclass $3 "*) echo "\${line#"ingressclass $3 "}"; exit 0 ;;
    esac
  done < "$here/objects"
  echo "Error from server (NotFound): ingressclasses.networking.k8s.io \\"$3\\" not found" >&2; exit 1
fi
if [ "$1" = get ]; then
  while IFS= read -r line; do
    if [ "$line" = "$2 $3" ]; then echo "NAME"; echo "$3"; exit 0; fi
  done < "$here/objects"
  echo "Error from server (NotFound): $2 \\"$3\\" not found" >&2; exit 1
fi
echo "stand-in kubectl: unexpected $*" >&2; exit 2
`,
  );
}

/** A stand-in kubectl that cannot reach any cluster, with klog noise before the reason as the real one prints it. */
export function unreachableKubectl(dir: string): void {
  script(
    dir,
    "kubectl",
    `echo 'E1129 07:43:20.526917   12553 memcache.go:265] "Unhandled Error" err="could not get the server API group list: dial tcp 127.0.0.1:8080: connect: connection refused"' >&2
echo "The connection to the server localhost:8080 was refused - did you specify the right host or port?" >&2; exit 1
`,
  );
}

/** What the stand-in kubectl of a restore drill finds in the cluster. */
export interface DrillCluster {
  /** Namespaces that exist. */
  readonly namespaces: readonly string[];
  /** `kubectl get backups.postgresql.cnpg.io -o json`'s items. @default none */
  readonly backups?: readonly unknown[];
  /** What `kubectl get <the drill's objects> --ignore-not-found -o name` prints: those already there. @default nothing */
  readonly existing?: string;
  /** How many looks at the recovery Cluster until it is Ready; never when undefined. */
  readonly readyAfter?: number;
  /** The check Job's end. @default "Complete" */
  readonly job?: "Complete" | "Failed" | "DeadlineExceeded" | "running";
  /** The check Job's log. @default "" */
  readonly logs?: string;
  /** `kubectl get pods -l job-name=…`'s items: the check Job's pods. @default none */
  readonly jobPods?: readonly unknown[];
  /** Whether `kubectl apply` of the check fails. @default false */
  readonly applyCheckFails?: boolean;
  /** Whether removing the drill fails. @default false */
  readonly deleteFails?: boolean;
}

/**
 * A stand-in kubectl for `backup verify --target kubernetes`, answering the calls the drill makes
 * (namespace, Backups, apply, the Cluster's and the Job's status, the Job's log, delete) from `cluster`,
 * with the Cluster turning Ready after `readyAfter` looks. Like the others, it logs every call to `calls`.
 */
export function drillKubectl(dir: string, cluster: DrillCluster): void {
  const json = (value: unknown) => `${JSON.stringify(value)}\n`;
  for (const ns of cluster.namespaces) writeFileSync(join(dir, `namespace-${ns}`), "");
  writeFileSync(join(dir, "backups.json"), json({ apiVersion: "v1", kind: "List", items: cluster.backups ?? [] }));
  for (const b of (cluster.backups ?? []) as { metadata?: { name?: string } }[]) {
    if (b.metadata?.name) writeFileSync(join(dir, `backup-${b.metadata.name}.json`), json(b));
  }
  writeFileSync(join(dir, "existing.txt"), cluster.existing ?? "");
  writeFileSync(join(dir, "ready-after"), `${cluster.readyAfter ?? 1_000_000}\n`);
  writeFileSync(join(dir, "cluster-pending.json"), json({ status: { phase: "Setting up primary", conditions: [{ type: "Ready", status: "False" }] } }));
  writeFileSync(join(dir, "cluster-ready.json"), json({ status: { phase: "Cluster in healthy state", conditions: [{ type: "Ready", status: "True" }] } }));
  const end = cluster.job ?? "Complete";
  const conditions =
    end === "running" ? [] : end === "DeadlineExceeded" ? [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] : [{ type: end, status: "True" }];
  writeFileSync(join(dir, "job.json"), json({ status: { conditions } }));
  writeFileSync(join(dir, "logs.txt"), cluster.logs ?? "");
  writeFileSync(join(dir, "pods.json"), json({ apiVersion: "v1", kind: "List", items: cluster.jobPods ?? [] }));
  if (cluster.applyCheckFails) writeFileSync(join(dir, "apply-check-fails"), "");
  if (cluster.deleteFails) writeFileSync(join(dir, "delete-fails"), "");
  writeFileSync(join(dir, "looks"), "");
  script(
    dir,
    "kubectl",
    `here="\${0%/*}"
show() { while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line"; done < "$here/$1"; }
if [ "$1" = -n ]; then shift 2; fi
case "$1 $2" in
"get namespace")
  if [ -f "$here/namespace-$3" ]; then echo "namespace/$3"; exit 0; fi
  echo "Error from server (NotFound): namespaces \\"$3\\" not found" >&2; exit 1 ;;
"get backups.postgresql.cnpg.io")
  if [ "$3" = -o ]; then show backups.json; exit 0; fi
  if [ -f "$here/backup-$3.json" ]; then show "backup-$3.json"; exit 0; fi
  echo "Error from server (NotFound): backups.postgresql.cnpg.io \\"$3\\" not found" >&2; exit 1 ;;
"get networkpolicy/"*) show existing.txt; exit 0 ;;
"apply -f")
  if [ ! -f "$3" ]; then echo "error: the path \\"$3\\" does not exist" >&2; exit 1; fi
  case "$3" in *check.yaml) if [ -f "$here/apply-check-fails" ]; then echo 'Error from server (Forbidden): jobs.batch is forbidden' >&2; exit 1; fi ;; esac
  echo "applied $3"; exit 0 ;;
"get cluster.postgresql.cnpg.io")
  echo x >> "$here/looks"; n=0
  while IFS= read -r line; do n=$((n + 1)); done < "$here/looks"
  read -r after < "$here/ready-after"
  if [ "$n" -ge "$after" ]; then show cluster-ready.json; else show cluster-pending.json; fi; exit 0 ;;
"get job") show job.json; exit 0 ;;
"get pods") show pods.json; exit 0 ;;
"logs job/"*) show logs.txt; exit 0 ;;
"delete -f")
  for arg in "$@"; do
    if [ "$previous" = -f ] && [ ! -f "$arg" ]; then echo "error: the path \\"$arg\\" does not exist" >&2; exit 1; fi
    previous="$arg"
  done
  if [ -f "$here/delete-fails" ]; then echo 'The connection to the server localhost:8080 was refused - did you specify the right host or port?' >&2; exit 1; fi
  exit 0 ;;
esac
echo "stand-in kubectl: unexpected $*" >&2; exit 2
`,
  );
}

/** A stand-in docker whose `docker compose version` prints `version`, or fails like a Docker without the plugin. */
export function fakeDocker(dir: string, version: string | undefined): void {
  script(
    dir,
    "docker",
    version
      ? `if [ "$1 $2" = "compose version" ]; then echo "Docker Compose version ${version}"; exit 0; fi\necho "stand-in docker: unexpected $*" >&2; exit 2\n`
      : `echo "docker: 'compose' is not a docker command." >&2; echo "See 'docker --help'" >&2; exit 1\n`,
  );
}

/** Every renderer and command function of a validated spec, on each declared target; throws on the first failure. */
export function renderEverything(spec: ImmichFamilySpec): void {
  for (const target of ["kubernetes", "compose"] as const) {
    if (spec.targets[target] === undefined) continue;
    const template = renderImmichConfigTemplate(spec, target);
    const keys = secretKeys(spec, target);
    // The config template's placeholders are all secrets the env file lists.
    expect(templateKeys(template).filter((k) => !keys.some((s) => s.key === k))).toEqual([]);
    parse(template);
    envFileTemplate(["generated"], keys);
    const files = target === "kubernetes" ? renderKubernetes(spec, { toolVersion: "0.1.0" }) : renderCompose(spec, { toolVersion: "0.1.0" });
    for (const file of files.filter((f) => f.path.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(file.content)) expect(doc.errors).toEqual([]);
    }
    if (target === "compose") expect(checkComposeReferences(parse(files.find((f) => f.path === "compose.yaml")?.content ?? ""))).toEqual([]);
  }
  oauthRedirectUris(spec);
}

/**
 * Valid specs as written (plain data, before YAML), built field by field from what the zod schema
 * and the cross-field rules accept: references point at declared members and libraries, each
 * target provides every library, paths do not overlap where a rule forbids it. Free text carries
 * what breaks writers: YAML words, quotes, indicators, unicode, tabs and newlines.
 */

type Data = Record<string, unknown>;

// Built once per length: a regex arbitrary costs more to build than to draw from.
const labels = new Map<number, fc.Arbitrary<string>>();
const label = (max = 12) => {
  const known = labels.get(max);
  if (known !== undefined) return known;
  const arb = fc.stringMatching(new RegExp(`^[a-z]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`));
  labels.set(max, arb);
  return arb;
};
// `constructor` is a handle like any other: code that looks handles up with `in` or `obj[key]` finds Object's.
const handle = fc.oneof(
  { arbitrary: label(10), weight: 4 },
  { arbitrary: fc.stringMatching(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/), weight: 4 },
  { arbitrary: fc.constant("constructor"), weight: 1 },
);
/** Keys named like Object.prototype members, ordinary keys of the maps the spec allows (`constructor` has its rule). */
const prototypeKey = fc.constantFrom("toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString");
const hostname = fc.tuple(label(20), fc.constantFrom("family", "example.com", "lan", "smith.family")).map(([a, b]) => `${a}.${b}`);
const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9 _.@+-]{0,15}$/).filter((s) => s !== ".." && s !== "." && !s.endsWith(" "));
const absPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
const anySecretRef = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/).map(secretRef);
const quantity = fc.constantFrom("100Gi", "512Mi", "500m", "2", "1.5", "4Ti");
const duration = fc.constantFrom("30s", "5m", "1h", "48h", "7d", "250ms");
const cron = fc.constantFrom("0 0 * * *", "*/15 * * * *", "0 3 * * 1-5", "@daily", "0 0 3 * * *");

const TRICKY = [
  "no",
  "yes",
  "on",
  "off",
  "null",
  "~",
  "true",
  "0x10",
  "1e3",
  "- x",
  ": x",
  "a: b",
  "#x",
  "x #y",
  "'",
  '"',
  "&a",
  "*a",
  "!tag",
  " lead",
  "trail ",
  "@x",
  "`x`",
  "%x",
  "{x}",
  "[x]",
  "a\tb",
  "a\nb",
  "é ñ 中文 👪",
  "\u00a0",
  "$x",
  "$$",
  "{{y}}",
  "---",
  "...",
];
const freeText = fc.oneof(
  fc.constantFrom(...TRICKY),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the loader refuses control characters; the generator leaves them out
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }).filter((s) => !/[\0-\x08\x0b-\x1f\x7f-\x9f]/.test(s) && !s.includes("${")),
);

const TEMPLATE_TOKENS = ["y", "yy", "MM", "MMM", "dd", "HH", "mm", "ss", "filename", "ext", "assetIdShort", "make", "model", "lensModel", "filetype"];
const storageTemplate = fc
  .tuple(fc.array(fc.constantFrom(...TEMPLATE_TOKENS), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom("/", "-", "_", " "))
  .map(([tokens, album, sep]) => `${tokens.map((t) => `{{${t}}}`).join(sep)}${album ? "/{{#if album}}{{album}}{{else}}Other{{/if}}" : ""}/{{filename}}`);

const resources = fc.record(
  {
    requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
    limits: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const clientIdLiteral = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);
const uuid = fc.uuid();
const projectName = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);

function oauth(hosts: { web: string; mobile?: string }) {
  const relayHosts = [hosts.web, ...(hosts.mobile ? [hosts.mobile] : [])];
  const common = {
    clientId: fc.oneof(anySecretRef, clientIdLiteral),
    clientSecret: anySecretRef,
    scope: fc.constantFrom("openid email profile", "openid email"),
    autoRegister: fc.boolean(),
    autoLaunch: fc.boolean(),
    mobileRedirect: fc.boolean(),
    mobileRedirectHost: fc.constantFrom(...relayHosts),
    buttonText: freeText,
    roleClaim: fc.constantFrom("immich_role", "role"),
  };
  return fc.oneof(
    fc.record({ preset: fc.constant("google"), ...common }, { requiredKeys: ["preset", "clientId"] }),
    fc.record({ preset: fc.constant("entra"), tenantId: uuid, ...common }, { requiredKeys: ["preset", "clientId", "tenantId"] }),
    fc.record(
      { preset: fc.constant("generic"), issuerUrl: fc.constantFrom("https://auth.smith.family", "http://idp.lan:8080/realms/home"), ...common },
      { requiredKeys: ["preset", "clientId", "issuerUrl"] },
    ),
  );
}

function library(members: string[]) {
  return fc
    .record({
      name: fc.option(freeText, { nil: undefined }),
      owner: fc.constantFrom(...members),
      path: absPath,
      sub: fc.option(segment, { nil: undefined }),
      exclusionPatterns: fc.subarray(["**/raw/**", "**/@eaDir/**", "**/*.tmp", "**/online_auf**", "**/[Tt]humbs.db"]),
      rescan: fc.record({ by: fc.constantFrom("worker", "immich", "none"), interval: duration, cron }, { requiredKeys: [] }),
      albums: fc.option(
        fc.record(
          {
            levels: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -3, max: -1 }), fc.constantFrom("1,2", "2,3", "-2,-1")),
            separator: fc.constantFrom(" ", " - ", "/", ""),
            rename: fc.array(fc.record({ pattern: fc.constantFrom("^\\d{4}[-_ ]", "_", "\\s+$"), replacement: fc.constantFrom("", " ", "$1") }), {
              maxLength: 2,
            }),
            include: fc.subarray(["20*", "**/Family*"]),
            ignore: fc.subarray(["**/private/**", "tmp"]),
            shareWith: fc
              .subarray(members)
              .chain((who) => fc.tuple(...who.map((m) => fc.record({ member: fc.constant(m), role: fc.constantFrom("viewer", "editor") })))),
            albumprops: fc.boolean(),
            mode: fc.constantFrom("add-only", "mirror"),
            sortOrder: fc.constantFrom("asc", "desc"),
            visibility: fc.constantFrom("timeline", "archive", "hidden", "locked"),
            commentsAndLikes: fc.boolean(),
            thumbnail: fc.constantFrom("first", "last", "random", "cover.jpg"),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    })
    .map(({ sub, albums, name, ...lib }) => {
      const out: Data = { ...lib };
      if (name !== undefined) out.name = name;
      if (sub !== undefined) out.importPaths = [sub, `${lib.path}/${sub}`];
      if (albums !== undefined)
        out.albums = { ...albums, shareWith: ((albums.shareWith as { member: string }[] | undefined) ?? []).filter((s) => s.member !== lib.owner) };
      return out;
    });
}

const nfs = fc.record(
  {
    server: fc.oneof(hostname, fc.constantFrom("nas", "192.168.1.10", "fd00::10", "NAS.lan")),
    share: absPath,
    subDir: fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join("/")),
    mountOptions: fc.subarray(["nfsvers=4.1", "hard", "ro", "noatime"]),
    capacity: quantity,
  },
  { requiredKeys: ["server", "share"] },
);

function kubernetes(libraries: string[], spec: { postgresMajor: number; vectorVersion: string }) {
  return fc.record(
    {
      namespace: label(20),
      storageClass: fc.constantFrom("longhorn", "local-path", "ceph.rbd"),
      upload: fc.record({ size: quantity, storageClass: fc.constantFrom("longhorn", "nfs") }, { requiredKeys: [] }),
      database: fc.record(
        {
          instances: fc.integer({ min: 1, max: 3 }),
          image: fc.constant(`ghcr.io/tensorchord/cloudnative-vectorchord:${spec.postgresMajor}-${spec.vectorVersion}`),
          storage: fc.record({ size: quantity, storageClass: fc.constant("longhorn") }, { requiredKeys: [] }),
          parameters: fc.dictionary(fc.constantFrom("shared_buffers", "max_connections", "work_mem"), fc.constantFrom("512MB", "100", "on")),
          backup: fc.oneof(
            fc.record({ schedule: fc.constant("0 0 3 * * *") }),
            fc.record({
              schedule: fc.constant("0 30 1 * * *"),
              method: fc.constant("plugin"),
              pluginName: fc.constant("barman-cloud.cloudnative-pg.io"),
              pluginParameters: fc.dictionary(prototypeKey, fc.constantFrom("a", "1")).map((extra) => ({ ...extra, barmanObjectName: "minio" })),
            }),
            fc.record({ schedule: fc.constant("0 30 1 * * *"), method: fc.constant("plugin"), pluginName: fc.constant("backup.example.com") }),
          ),
          podMonitor: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      libraries: fc
        .tuple(...libraries.map((h) => fc.tuple(fc.constant(h), fc.oneof(fc.record({ nfs }), fc.record({ existingClaim: label(20) })))))
        .map((e) => Object.fromEntries(e)),
      ingress: fc.record(
        {
          className: fc.constantFrom("pomerium", "nginx"),
          clusterIssuer: fc.constant("letsencrypt-prod"),
          tlsSecretName: label(20),
          pomerium: fc.record(
            {
              allowWebsockets: fc.boolean(),
              timeout: fc.constantFrom("0s", "30s"),
              allowedDomains: fc.constant(["smith.family"]),
              policy: fc.constant("allow:\n  or:\n    - email:\n        is: ann@smith.family\n"),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      secrets: fc.oneof(fc.record({ envFile: fc.constantFrom("secrets.env", "secrets/photos.env") }), fc.record({ existingSecret: label(20) })),
      resources: fc.record({ server: resources, redis: resources, worker: resources }, { requiredKeys: [] }),
      worker: fc.record(
        {
          nodeSelector: fc.dictionary(fc.oneof(fc.constant("kubernetes.io/arch"), prototypeKey), fc.constantFrom("amd64", "x")),
          tolerations: fc.dictionary(prototypeKey, fc.constant("x")).map((extra) => [{ ...extra, key: "gpu", operator: "Exists" }]),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["libraries"] },
  );
}

const hostPathIn = (root: string) => fc.constantFrom(`${root}`, `${root}/sub dir`, `${root}/price$$list`);

function compose(libraries: string[]) {
  return fc
    .record({
      projectName: fc.option(projectName, { nil: undefined }),
      user: fc.record({ uid: fc.integer({ min: 0, max: 2_147_483_647 }), gid: fc.integer({ min: 0, max: 2_147_483_647 }) }),
      relative: fc.boolean(),
      media: hostPathIn("/mnt/tank/immich/media"),
      libraries: fc
        .tuple(
          ...libraries.map((h) =>
            fc.tuple(
              fc.constant(h),
              absPath.map((p) => ({ hostPath: `/srv${p}` })),
            ),
          ),
        )
        .map((e) => Object.fromEntries(e)),
      networks: fc.record(
        { frontend: fc.constantFrom("traefik", "proxy_net"), frontendExternal: fc.boolean(), backend: fc.constantFrom("immich-backend", "db.net") },
        { requiredKeys: [] },
      ),
      traefik: fc.option(
        fc.record(
          { entrypoint: fc.constantFrom("websecure", "https"), certResolver: fc.constant("le"), forwardAuth: fc.constantFrom("authelia@docker", "sso@file") },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
      hwaccel: fc.constantFrom("cpu", "nvenc", "quicksync", "rkmpp", "vaapi"),
      backup: fc.record({ enabled: fc.boolean(), retention: duration, encrypt: fc.boolean(), passphrase: anySecretRef }, { requiredKeys: [] }),
      metricsExporter: fc.record({ enabled: fc.boolean() }),
      envFile: fc.constantFrom(".env", "secrets/immich.env", "/mnt/secrets/immich.env"),
    })
    .map(({ relative, media, projectName, traefik, ...rest }) => {
      const paths = relative
        ? { media, database: "./db", modelCache: "./cache/models", backups: "./backups", config: "./config" }
        : { media, database: "/mnt/ssd/immich/db", modelCache: "/mnt/ssd/immich/models" };
      return { ...rest, paths, ...(projectName === undefined ? {} : { projectName }), ...(traefik === undefined ? {} : { traefik }) };
    });
}

/** A valid spec as written: plain data, ready to be written as YAML. */
export const validSpecInput: fc.Arbitrary<Data> = fc
  .record({
    name: handle,
    version: fc.tuple(fc.constantFrom(2, 3), fc.nat(12), fc.nat(9)).map(([a, b, c]) => `v${a}.${b}.${c}`),
    timezone: fc.option(fc.constantFrom("Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata"), { nil: undefined }),
    web: hostname,
    mobile: fc.option(hostname, { nil: undefined }),
    members: fc.uniqueArray(handle, { minLength: 1, maxLength: 4 }),
    libraries: fc.uniqueArray(handle, { maxLength: 3 }),
    targets: fc.constantFrom<string[]>(["kubernetes"], ["compose"], ["kubernetes", "compose"]),
    postgresMajor: fc.integer({ min: 14, max: 18 }),
    vectorVersion: fc.constantFrom("0.3.0", "0.4.3", "1.1.1"),
  })
  .chain((base) => {
    const hosts = { web: base.web, ...(base.mobile && base.mobile !== base.web ? { mobile: base.mobile } : {}) };
    return fc
      .record({
        passwordLogin: fc.boolean(),
        oauth: fc.option(oauth(hosts), { nil: undefined }),
        storageTemplate: fc.option(fc.record({ enabled: fc.boolean(), template: storageTemplate }, { requiredKeys: [] }), { nil: undefined }),
        members: fc.tuple(
          ...base.members.map((h, i) =>
            fc.record(
              { name: freeText, email: fc.constant(`${h}@example.com`), admin: fc.constant(i === 0), quota: quantity, apiKey: anySecretRef },
              { requiredKeys: ["name", "email", "admin"] },
            ),
          ),
        ),
        libraries: fc.tuple(...base.libraries.map(() => library(base.members))),
        machineLearning: fc.record({ enabled: fc.boolean(), acceleration: fc.constantFrom("cpu", "cuda", "openvino"), resources }, { requiredKeys: [] }),
        database: fc.record(
          { name: fc.constantFrom("immich", "photos_db"), user: fc.constantFrom("immich", "app_user"), password: anySecretRef, superuser: fc.boolean() },
          { requiredKeys: [] },
        ),
        redis: fc.record({ password: anySecretRef }, { requiredKeys: [] }),
        worker: fc.record(
          { enabled: fc.boolean(), image: fc.constant("ghcr.io/immich-family/immich-family:0.1.0"), apiKey: anySecretRef, debounce: duration },
          { requiredKeys: [] },
        ),
        kubernetes: kubernetes(base.libraries, base),
        compose: compose(base.libraries),
      })
      .map((parts): Data => {
        const libraries = Object.fromEntries(base.libraries.map((h, i) => [h, parts.libraries[i]]));
        const members = Object.fromEntries(base.members.map((h, i) => [h, parts.members[i]]));
        const targets: Data = {};
        if (base.targets.includes("kubernetes")) targets.kubernetes = parts.kubernetes;
        if (base.targets.includes("compose")) targets.compose = parts.compose;
        return {
          apiVersion: "immich-family.dev/v1alpha1",
          kind: "ImmichFamily",
          metadata: { name: base.name },
          immich: { version: base.version, ...(base.timezone ? { timezone: base.timezone } : {}) },
          hosts,
          auth: { passwordLogin: parts.passwordLogin, ...(parts.oauth ? { oauth: parts.oauth } : {}) },
          ...(parts.storageTemplate ? { storageTemplate: parts.storageTemplate } : {}),
          members,
          libraries,
          machineLearning: parts.machineLearning,
          database: { postgresMajor: base.postgresMajor, vectorVersion: base.vectorVersion, ...parts.database },
          redis: parts.redis,
          worker: parts.worker,
          targets,
        };
      });
  });

/** A throwaway PostgreSQL server: `url` reaches it as the superuser `postgres` (trust, loopback only). */
export interface ScratchPostgres {
  readonly url: string;
  readonly port: number;
  readonly binDir: string;
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL server binaries; none installed is a failure (`bash .ci/run` installs them), never a skip. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = (() => {
    try {
      return readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, "bin", "initdb")))
        .map(Number)
        .sort((a, b) => b - a);
    } catch {
      return [];
    }
  })();
  if (majors[0] === undefined) throw new Error(`No PostgreSQL server under ${root}: install Debian's postgresql-15 (bash .ci/run does)`);
  return join(root, String(majors[0]), "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Start a PostgreSQL server in a temp folder on a free port (initdb + pg_ctl). Run as root, it runs as
 * the `postgres` user Debian's package creates, since initdb refuses root.
 */
export async function startScratchPostgres(): Promise<ScratchPostgres> {
  const binDir = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "immich-family-pg-"));
  const asUser: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith("postgres:"));
    const [, , uid, gid] = line?.split(":") ?? [];
    if (!uid || !gid) throw new Error("running as root needs the postgres user (Debian's postgresql package creates it)");
    Object.assign(asUser, { uid: Number(uid), gid: Number(gid) });
    chownSync(dir, asUser.uid as number, asUser.gid as number);
  }
  const run = (tool: string, args: string[]) => {
    const r = spawnSync(join(binDir, tool), args, { ...asUser, encoding: "utf8", cwd: dir, env: { ...process.env, LC_ALL: "C.UTF-8" } });
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr || r.stdout || r.error?.message}`);
  };
  run("initdb", ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  run("pg_ctl", [
    "-D",
    join(dir, "data"),
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    binDir,
    stop: async () => {
      spawnSync(join(binDir, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "stop"], { ...asUser, encoding: "utf8" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
/** The real Immich dumps copied from the shared fixture set (see the folder's README). */
export const DUMPS = fileURLToPath(new URL("./fixtures/immich-db", import.meta.url));

/** A fixture dump's path, after checking it against its folder's SHA256SUMS: an edited fixture fails loudly. */
export function fixtureDump(line: "v2.7.5" | "v3.1.0", pattern: RegExp): string {
  const dir = join(DUMPS, line);
  const name = readdirSync(dir).find((f) => pattern.test(f));
  if (!name) throw new Error(`no ${pattern} in ${dir}`);
  const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8");
  const want = sums
    .split("\n")
    .find((l) => l.endsWith(`  ${name}`))
    ?.split(" ")[0];
  const have = createHash("sha256")
    .update(readFileSync(join(dir, name)))
    .digest("hex");
  if (!want || want !== have) throw new Error(`${name}: SHA-256 ${have} does not match SHA256SUMS (${want ?? "absent"})`);
  return join(dir, name);
}

/** Run a tool the backup image runs, failing the test on an error. */
export function tool(command: string, args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): Buffer {
  const r = spawnSync(command, [...args], { input: options.input, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr?.toString() || r.error?.message}`);
  return r.stdout;
}

/**
 * What db-backup 4.1.x leaves for one run with `COMPRESSION=ZSTD`, `ENCRYPT=TRUE` and `CHECKSUM=SHA1`:
 * the zstd-compressed plain dump encrypted with `gpg --batch --passphrase-fd 0 -c` (symmetric, the
 * passphrase on standard input), and `sha1sum <file>` run in the file's folder beside it.
 */
export function dbBackupFiles(plainZst: string, folder: string, name: string, passphrase: string | undefined): string {
  mkdirSync(folder, { recursive: true });
  // A short home: gpg-agent's socket path must stay under 108 bytes.
  const home = mkdtempSync(join(tmpdir(), "gpg-"));
  const inner = join(folder, passphrase === undefined ? name : name.replace(/\.gpg$/, ""));
  copyFileSync(plainZst, inner);
  if (passphrase !== undefined) {
    tool("gpg", ["--batch", "--homedir", home, "--yes", "--passphrase-fd", "0", "-c", inner], { input: `${passphrase}\n` });
    spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]);
    spawnSync("rm", ["-rf", inner, home]);
  }
  const file = join(folder, name);
  writeFileSync(`${file}.sha1`, tool("sha1sum", [name], { cwd: folder }));
  return file;
}

/** Give a file a modification time `hoursAgo` before `now`. */
export function age(file: string, hoursAgo: number, now = Date.now()): void {
  const t = new Date(now - hoursAgo * 3_600_000);
  utimesSync(file, t, t);
}

/** Every asset file the dump of `line` points at, as empty files under `media` and `photos`. */
export function assetTree(line: "v2.7.5" | "v3.1.0", media: string, photos: string): number {
  const expected = JSON.parse(readFileSync(join(DUMPS, line, "expected.json"), "utf8")) as { paths: { assets: { root: string; path: string }[] } };
  for (const a of expected.paths.assets) {
    const file = join(a.root === "media" ? media : photos, a.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "");
  }
  return expected.paths.assets.length;
}

/**
 * A stand-in `docker` for the restore drill: `compose … up`/`rm` of the drill service succeed, and
 * `compose … exec -T <service> psql|pg_restore …` runs the real client against `pg` (the drill service
 * as it is; the live database `immich-db` as the database `liveDatabase`), so the Compose path of
 * `backup verify` runs for real without Docker. Each call is logged to `<dir>/calls`.
 */
export function drillDocker(dir: string, pg: ScratchPostgres, liveDatabase: string): void {
  script(
    dir,
    "docker",
    `[ "$1" = compose ] || exit 2
shift
while [ $# -gt 0 ]; do case "$1" in --project-directory|--profile|--env-file) shift 2;; *) break;; esac; done
cmd=$1; shift
case "$cmd" in
  up|rm) exit 0;;
  exec) [ "$1" = -T ] && shift; service=$1; shift; tool=$1; shift
    if [ "$service" = immich-db ]; then exec "${pg.binDir}/$tool" -h 127.0.0.1 -p ${pg.port} "$@" -U postgres -d ${liveDatabase}; fi
    if [ "$service" = immich-backup-drill ]; then exec "${pg.binDir}/$tool" -h 127.0.0.1 -p ${pg.port} "$@"; fi
    echo "no such service: $service" >&2; exit 1;;
esac
echo "stand-in docker: unexpected compose $cmd" >&2; exit 2
`,
  );
}

/** A plain-text SMTP server on a free loopback port that keeps every message it is sent (envelope and data). */
export async function fakeSmtp(): Promise<{ port: number; messages: { from: string; to: string[]; data: string }[]; close: () => Promise<void> }> {
  const messages: { from: string; to: string[]; data: string }[] = [];
  const server = createServer((socket) => {
    let buffer = "";
    let inData = false;
    let from = "";
    let to: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 fake ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          messages.push({ from, to, data: buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          inData = false;
          reply("250 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 fake");
        else if (verb === "MAIL") [from, to] = [line.replace(/^MAIL FROM:\s*<?([^>\s]*)>?.*$/i, "$1"), []];
        else if (verb === "RCPT") to.push(line.replace(/^RCPT TO:\s*<?([^>\s]*)>?.*$/i, "$1"));
        else if (verb === "DATA") {
          inData = true;
          reply("354 go on");
          continue;
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
          return;
        } else reply("250 ok");
        if (verb === "MAIL" || verb === "RCPT") reply("250 ok");
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, messages, close: () => new Promise((ok) => server.close(() => ok())) };
}
