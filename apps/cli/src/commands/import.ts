import { access } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import { relative, resolve } from "node:path";
import {
  API_VERSION,
  buildImmichConfig,
  type ConfigObject,
  escapeControl,
  formatDiagnosticWithFrame,
  type ImmichFamilySpec,
  KIND,
  mergeConfig,
  parseSpec,
  secretKeys,
  type Target,
} from "@family/immich-spec";
import { isHttpError } from "@immich/sdk";
import { parse } from "yaml";
import type { CommandMain } from "../_command.js";
import { CliError, isCliError } from "../_errors.js";
import { DEFAULT_IMMICH_VERSION } from "../_new-spec.js";
import { writeFileAtomically } from "../_write.js";
import { type DraftObject, type DraftPath, ImportDraft, leaves, type MappedValue } from "../import/_draft.js";
import { type ComposeFolder, foldBindsIntoLibraries, importComposeAdoption, readComposeFolder } from "../import/compose-adoption.js";
import { importFromCompose } from "../import/compose-folder.js";
import { importFromKubernetes, readManifests } from "../import/kubernetes-folder.js";
import { composeSwitchOver, type Difference, switchOverLines } from "../import/switch-over.js";
import { kubernetesSwitchOver } from "../import/switch-over-kubernetes.js";
import { ImportFolder, readSmallFile } from "../import/_read.js";
import { configDifference, configWithPlaceholders, importFromServer, type ServerFacts } from "../import/server.js";

export interface ImportOptions {
  /** API base URL of a running server (…/api added when missing). */
  readonly server?: string;
  readonly apiKey?: string;
  /** A Compose deployment folder (relative to `cwd`). */
  readonly compose?: string;
  /** A folder of Kubernetes manifests (relative to `cwd`). */
  readonly kubernetes?: string;
  /** Where relative folders start; the process's working folder by default. */
  readonly cwd?: string;
  /** The environment Compose would interpolate with, for a variable `.env` does not set (`${HOME}`). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ImportResult {
  /** The spec as YAML, with comments on guesses and the unmapped list at the end. */
  readonly text: string;
  readonly spec: ImmichFamilySpec;
  /** Keys of the secrets env file to fill, with what goes in each. */
  readonly secrets: readonly { key: string; what: string }[];
  readonly unmapped: readonly string[];
  /** Every value the spec holds, by path: what import mapped or guessed, nothing else. */
  readonly mapped: readonly MappedValue[];
  /** The render of the imported spec compared with the install read (`--compose`, `--kubernetes`): every difference, data ones first. */
  readonly switchOver?: readonly Difference[];
}

/** The API base URL: `…/api` appended unless the URL already ends in it. */
export function apiUrl(server: string): string {
  const url = server.replace(/\/+$/, "");
  return /\/api$/.test(url) ? url : `${url}/api`;
}

/** The members, libraries and targets a valid spec needs, guessed where no source gave them. */
function fillGaps(draft: ImportDraft): void {
  draft.setDefault(["apiVersion"], API_VERSION);
  draft.setDefault(["kind"], KIND);
  draft.setDefault(["metadata", "name"], "immich", "no source names the install");
  draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, "no source gives the version; pin the release you run");
  draft.setDefault(["hosts", "web"], "photos.example.com", "no source gives the web host");
  const members = (draft.get(["members"]) ?? {}) as Record<string, { admin?: boolean }>;
  if (Object.keys(members).length === 0) {
    draft.set(["members", "admin"], { name: "Admin", email: "admin@example.com", admin: true }, "no server was read; the admin's real name and email");
  }
  const admin =
    Object.entries((draft.get(["members"]) ?? {}) as Record<string, { admin?: boolean }>).find(([, m]) => m.admin)?.[0] ?? Object.keys(members)[0] ?? "admin";
  for (const [handle, lib] of Object.entries((draft.get(["libraries"]) ?? {}) as Record<string, { owner?: string; path: string }>)) {
    if (!lib.owner) draft.set(["libraries", handle, "owner"], admin, "the first admin; set the member who owns this library");
  }
  const targets = draft.get(["targets"]) as Record<string, unknown> | undefined;
  if (!targets?.kubernetes && !targets?.compose) {
    draft.set(
      ["targets", "compose"],
      { user: { uid: 1000, gid: 1000 }, paths: { media: "/srv/immich" } },
      "no deployment folder was read; say where it runs (--compose or --kubernetes)",
    );
  }
  if (draft.has(["targets", "compose"]))
    draft.setDefault(["targets", "compose", "paths", "media"], "/srv/immich", "no usable media folder was found; the host folder of Immich's uploads");
  if (Object.keys((draft.get(["libraries"]) ?? {}) as object).length === 0) draft.setDefault(["worker", "enabled"], false);
  for (const [handle, lib] of Object.entries((draft.get(["libraries"]) ?? {}) as Record<string, { path: string; importPaths?: string[] }>)) {
    if (draft.has(["targets", "compose"]) && !draft.has(["targets", "compose", "libraries", handle])) {
      // Roots that share only / are bound one by one, never / itself.
      const roots = lib.path === "/" ? (lib.importPaths ?? []).filter((p) => p.startsWith("/") && p !== "/") : [];
      if (roots.length > 0)
        draft.set(
          ["targets", "compose", "libraries", handle],
          { roots: Object.fromEntries(roots.map((r) => [r, r])) },
          "the host folder of each import path (its only common parent is /)",
        );
      else draft.set(["targets", "compose", "libraries", handle], { hostPath: lib.path }, "the host folder of this library");
    }
    if (draft.has(["targets", "kubernetes"]) && !draft.has(["targets", "kubernetes", "libraries", handle])) {
      draft.set(["targets", "kubernetes", "libraries", handle], { existingClaim: `${handle}-library` }, "the claim that holds this library");
    }
  }
}

function parseDraft(draft: ImportDraft): ReturnType<typeof parseSpec> {
  return parseSpec(JSON.stringify(draft.spec), "import");
}

/** Every node of the draft by its dotted path, as the spec's diagnostics name it. */
function nodesByPath(data: unknown, path: DraftPath = [], out = new Map<string, DraftPath>()): Map<string, DraftPath> {
  if (path.length > 0) out.set(escapeControl(path.map(String).join(".")), path);
  if (data && typeof data === "object" && !Array.isArray(data)) for (const k of Object.keys(data)) nodesByPath((data as DraftObject)[k], [...path, k], out);
  return out;
}

const MAX_SHOWN = 120;
const shownValue = (v: unknown) => {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}…` : json;
};

/**
 * The draft node an error is about: the value it names, or the nearest mapping above it (an item of a
 * list takes the list). A required key gone (its value was taken out before) takes its mapping with it,
 * a library without a path, but never a whole top-level section.
 */
function culprit(nodes: ReadonlyMap<string, DraftPath>, e: { readonly path: string; readonly code: string }): DraftPath | undefined {
  const segments = e.path.split(".");
  const from = e.code === "missing-key" ? segments.length - 1 : segments.length;
  for (let n = from; n >= 2; n--) {
    const path = nodes.get(segments.slice(0, n).join("."));
    if (path) return path;
  }
  return e.code === "missing-key" ? undefined : nodes.get(e.path);
}

/**
 * Fill the gaps, then take out every value the spec refuses (a service name with a newline, a path with a
 * control character): each becomes a "not mapped" entry saying why, and the gaps are filled again. The
 * valid spec, or undefined when what is still wrong is no one value's (the caller locates it in the text).
 */
function settle(draft: ImportDraft): ImmichFamilySpec | undefined {
  for (let round = 0; round < 8; round++) {
    fillGaps(draft);
    const parsed = parseDraft(draft);
    if (parsed.ok) return parsed.value;
    const nodes = nodesByPath(draft.spec);
    let dropped = 0;
    for (const e of parsed.errors) {
      const path = culprit(nodes, e);
      if (!path || !draft.has(path)) continue;
      draft.unmap(`${escapeControl(path.join("."))}: ${shownValue(draft.get(path))} is not valid in a spec (${e.message})`);
      draft.delete(path);
      dropped++;
    }
    if (dropped === 0) return undefined;
  }
  return undefined;
}

/**
 * The spec import writes does not validate, for a reason no single value explains (the whole spec too
 * large, a rule across sections). Carries the text to write: its problems are located in that text,
 * never in the draft's internal JSON.
 */
class ImportedSpecInvalid extends Error {
  override readonly name = "ImportedSpecInvalid";
  constructor(readonly result: Omit<ImportResult, "spec" | "switchOver">) {
    super("The imported spec does not validate.");
  }

  /** Each problem at its line and column in the text written as `shown`, with the line it is on. */
  problems(shown: string): string[] {
    const parsed = parseSpec(this.result.text, shown);
    return parsed.ok ? [] : parsed.errors.map((d) => formatDiagnosticWithFrame(d, this.result.text));
  }
}

/** The target whose config the running server matches: Kubernetes when declared, else Compose. */
const configTarget = (spec: ImmichFamilySpec): Target => (spec.targets.kubernetes ? "kubernetes" : "compose");

/** Put every setting the spec's own fields do not reproduce into `immich.config`. */
function addPassthrough(draft: ImportDraft, facts: ServerFacts): void {
  const parsed = parseDraft(draft);
  if (!parsed.ok) return; // reported after the gaps are filled
  const rendered = mergeConfig(facts.defaults, buildImmichConfig(parsed.value, configTarget(parsed.value)) as ConfigObject);
  const actual = configWithPlaceholders(draft, facts.config);
  const diff = configDifference(actual, rendered);
  if (diff) draft.set(["immich", "config"], diff);
}

/** Read a running server into the draft; its errors as the CLI's (the status with a hint, or unreachable). */
async function readServer(draft: ImportDraft, server: string, apiKey: string | undefined): Promise<ServerFacts> {
  if (!apiKey) throw new CliError("bad-arguments", "import --server needs an admin API key: set IMMICH_API_KEY or pass --api-key-file.");
  try {
    return await importFromServer(draft, { url: apiUrl(server), apiKey });
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (isHttpError(error)) {
      const hint = error.status === 401 || error.status === 403 ? " (import needs an admin's API key with every permission)" : "";
      throw new CliError(
        "server-error",
        escapeControl(`${server}: ${error.status} ${JSON.stringify((error.data as { message?: unknown })?.message ?? "")}${hint}`),
        {
          cause: error,
        },
      );
    }
    throw new CliError(
      "server-unreachable",
      escapeControl(`Could not read ${server}: ${(error as Error).message}. Is it the Immich URL, not the proxy's login page?`),
      {
        cause: error,
      },
    );
  }
}

/** What the sources gave: the draft, the Compose folder as the switch-over reads it, the Kubernetes folder, the server's settings. */
interface ImportSources {
  readonly draft: ImportDraft;
  readonly adopted: ComposeFolder | undefined;
  readonly kubernetes: ImportFolder | undefined;
  readonly facts: ServerFacts | undefined;
}

/** Read every source given into one draft, folders first (both checked before either is read), then the server. */
async function readSources(options: ImportOptions): Promise<ImportSources> {
  const draft = new ImportDraft();
  const cwd = options.cwd ?? process.cwd();
  const compose = options.compose === undefined ? undefined : ImportFolder.open(cwd, options.compose, "--compose");
  const kubernetes = options.kubernetes === undefined ? undefined : ImportFolder.open(cwd, options.kubernetes, "--kubernetes");
  const env = options.env ?? process.env;
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
  // The typed reader refuses what cannot be read (exit 2) before the adoption mappings read the same file raw.
  if (compose) importFromCompose(draft, compose, lookup);
  const adopted = compose ? readComposeFolder(compose, lookup) : undefined;
  if (adopted) importComposeAdoption(draft, adopted);
  if (kubernetes) importFromKubernetes(draft, kubernetes);
  const facts = options.server ? await readServer(draft, options.server, options.apiKey) : undefined;
  // The server's settings were read from the server itself.
  if (facts) draft.unmapped.splice(0, draft.unmapped.length, ...draft.unmapped.filter((u) => !u.includes("import them from the running server")));
  if (facts && adopted) foldBindsIntoLibraries(draft);
  return { draft, adopted, kubernetes, facts };
}

/** The draft settled into a valid spec, with the server's other changed settings (`immich.config`) once it is; undefined when it does not settle. */
function settleWithSettings(draft: ImportDraft, facts: ServerFacts | undefined): ImmichFamilySpec | undefined {
  const settled = settle(draft);
  if (settled && facts) {
    addPassthrough(draft, facts);
    return settle(draft);
  }
  if (facts)
    draft.unmap(
      "the server's settings that differ from its defaults (immich.config): not compared, since the spec does not validate; fix what it names and import again",
    );
  return settled;
}

/** The render of `spec` compared with each install folder read, data differences first; undefined when no folder was read. */
function switchOverOf({ adopted, kubernetes }: ImportSources, spec: ImmichFamilySpec): Difference[] | undefined {
  if (!adopted && !kubernetes) return undefined;
  return [
    ...(adopted && spec.targets.compose ? composeSwitchOver(adopted, spec) : []),
    ...(kubernetes && spec.targets.kubernetes
      ? kubernetesSwitchOver(
          readManifests(kubernetes, () => {}).map((o) => o.raw as DraftObject),
          spec,
        )
      : []),
  ].sort((x, y) => Number(y.stateful) - Number(x.stateful));
}

/** Read the sources into a spec; writes nothing. */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const sources = await readSources(options);
  const { draft } = sources;
  const settled = settleWithSettings(draft, sources.facts);
  const from = [
    options.server && `server ${options.server}`,
    options.compose && `Compose folder ${options.compose}`,
    options.kubernetes && `Kubernetes folder ${options.kubernetes}`,
  ].filter(Boolean);
  const text = draft.toYaml([
    `Imported by \`immich-family import\` from ${from.join(", ")}.`,
    "Values marked `guessed:` were not found in any source: check them. Secrets are placeholders naming keys of the secrets env file, never values.",
  ]);
  // What is written is what was mapped: the text parses back to exactly the draft, or nothing is written.
  if (!isDeepStrictEqual(parse(text), JSON.parse(JSON.stringify(draft.spec)))) {
    throw new CliError("internal", "The imported spec would not read back as it was mapped; nothing was written.");
  }
  // A spec that does not settle is checked as the text it would be written as: its problems at their line and column there.
  const reread = settled ? undefined : parseSpec(text, "the imported spec");
  const spec = settled ?? (reread?.ok ? reread.value : undefined);
  const known = new Map(draft.secrets);
  const written = { text, unmapped: draft.unmapped, mapped: leaves(draft.spec) };
  if (!spec) throw new ImportedSpecInvalid({ ...written, secrets: [...known].map(([key, what]) => ({ key, what })) });
  for (const t of ["kubernetes", "compose"] as const)
    if (spec.targets[t]) for (const k of secretKeys(spec, t)) if (!known.has(k.key)) known.set(k.key, k.purpose);
  const switchOver = switchOverOf(sources, spec);
  return { ...written, spec, secrets: [...known].map(([key, what]) => ({ key, what })), ...(switchOver ? { switchOver } : {}) };
}

/** `immich-family import`: write a spec from a running server and/or an existing deployment folder. */
export const main: CommandMain = async ({ cwd, io, env }, _args, flags) => {
  const server = typeof flags.server === "string" ? flags.server : flags.server === true ? env.IMMICH_URL : undefined;
  if (flags.server === true && !server) throw new CliError("bad-arguments", "--server needs a URL (or IMMICH_URL).");
  const folder = (f: unknown, flag: string) => {
    if (f === undefined) return undefined;
    if (typeof f !== "string" || f === "") throw new CliError("bad-arguments", `${flag} needs a folder.`);
    return f;
  };
  const compose = folder(flags.compose, "--compose");
  const kubernetes = folder(flags.kubernetes, "--kubernetes");
  if (!server && !compose && !kubernetes) {
    throw new CliError("bad-arguments", "Nothing to import from. Pass --server URL, --compose DIR and/or --kubernetes DIR.");
  }
  const apiKey = typeof flags.apiKeyFile === "string" ? readSmallFile(cwd, flags.apiKeyFile, "--api-key-file").trim() : env.IMMICH_API_KEY;
  const out = resolve(cwd, typeof flags.out === "string" ? flags.out : "immich-family.yaml");
  const shown = escapeControl(relative(cwd, out) || out);
  const exists = await access(out).then(
    () => true,
    () => false,
  );
  if (exists && flags.force !== true)
    throw new CliError("bad-arguments", `${shown} already exists. Pass --force to overwrite it, or name another file with --out.`);
  const write = async (text: string) => {
    try {
      await writeFileAtomically(out, text);
    } catch (error) {
      throw isCliError(error) ? new CliError(error.code, escapeControl(error.message), { cause: error }) : error;
    }
  };
  const result = await runImport({
    ...(server ? { server } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(compose ? { compose } : {}),
    ...(kubernetes ? { kubernetes } : {}),
    cwd,
    env,
  }).catch(async (error: unknown) => {
    if (!(error instanceof ImportedSpecInvalid)) throw error;
    // Written as it was read, for the user to fix: each problem at its line and column in that file.
    await write(error.result.text);
    const problems = error.problems(shown);
    throw new CliError(
      "check-failed",
      `Wrote ${shown}, but it does not validate (${problems.length} problem${problems.length === 1 ? "" : "s"}): fix each place below, then run \`immich-family validate ${shown}\`.`,
      { details: problems },
    );
  });
  const report = result.switchOver ? switchOverLines([compose, kubernetes].filter(Boolean).join(" and "), result.switchOver) : [];
  const dataErrors = result.switchOver?.filter((d) => d.stateful).length ?? 0;
  if (dataErrors > 0 && flags.force !== true)
    throw new CliError(
      "conflict",
      `The render of the imported spec would not use the install's data (${dataErrors} error${dataErrors === 1 ? "" : "s"}); nothing was written. Fix the import's sources, or pass --force to write the spec anyway.`,
      { details: report },
    );
  await write(result.text);
  io.stdout(`Wrote ${shown}. Check the values marked "guessed:", then run \`immich-family validate ${shown}\`.`);
  if (result.secrets.length > 0) {
    io.stdout("Fill these keys in the secrets env file (values are never imported):");
    const w = Math.max(...result.secrets.map((s) => s.key.length));
    for (const s of result.secrets) io.stdout(escapeControl(`  ${s.key.padEnd(w)}  ${s.what}`));
  }
  if (result.unmapped.length > 0) {
    io.stdout(`Not mapped (${result.unmapped.length}; also listed at the end of ${shown}):`);
    for (const u of result.unmapped) io.stdout(`  - ${escapeControl(u)}`);
  }
  for (const line of report) io.stdout(line);
  return dataErrors > 0 ? 1 : 0;
};
