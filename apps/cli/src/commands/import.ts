import { readFileSync } from "node:fs";
import { access } from "node:fs/promises";
import { relative, resolve } from "node:path";
import {
  API_VERSION,
  buildImmichConfig,
  type ConfigObject,
  formatDiagnosticWithFrame,
  type ImmichFamilySpec,
  KIND,
  mergeConfig,
  parseSpec,
  secretKeys,
  type Target,
} from "@family/immich-spec";
import { isHttpError } from "@immich/sdk";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { DEFAULT_IMMICH_VERSION } from "./init.js";
import { writeFileAtomically } from "../_write.js";
import { ImportDraft } from "../import/_draft.js";
import { foldBindsIntoLibraries, importComposeAdoption } from "../import/compose-adoption.js";
import { importFromCompose, readComposeFolder } from "../import/compose-folder.js";
import { composeSwitchOver, type Difference, switchOverLines } from "../import/switch-over.js";
import { importFromKubernetes, readManifests } from "../import/kubernetes-folder.js";
import { kubernetesSwitchOver } from "../import/switch-over-kubernetes.js";
import { configDifference, configWithPlaceholders, importFromServer, type ServerFacts } from "../import/server.js";

export interface ImportOptions {
  /** API base URL of a running server (…/api added when missing). */
  readonly server?: string;
  readonly apiKey?: string;
  /** A Compose deployment folder. */
  readonly compose?: string;
  /** A folder of Kubernetes manifests. */
  readonly kubernetes?: string;
  /** The name of the file the spec is written to, as shown in its problems. @default immich-family.yaml */
  readonly outName?: string;
}

export interface ImportResult {
  /** The spec as YAML, with comments on guesses and the unmapped list at the end. */
  readonly text: string;
  readonly spec: ImmichFamilySpec;
  /** Keys of the secrets env file to fill, with what goes in each. */
  readonly secrets: readonly { key: string; what: string }[];
  readonly unmapped: readonly string[];
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

/** Read the sources into a spec; writes nothing. */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const draft = new ImportDraft();
  const folder = options.compose ? readComposeFolder(options.compose) : undefined;
  if (options.compose && folder) {
    importFromCompose(draft, options.compose);
    importComposeAdoption(draft, folder);
  }
  if (options.kubernetes) importFromKubernetes(draft, options.kubernetes);
  let facts: ServerFacts | undefined;
  if (options.server) {
    if (!options.apiKey) throw new CliError("bad-arguments", "import --server needs an admin API key: set IMMICH_API_KEY or pass --api-key-file.");
    try {
      facts = await importFromServer(draft, { url: apiUrl(options.server), apiKey: options.apiKey });
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (isHttpError(error)) {
        const hint = error.status === 401 || error.status === 403 ? " (import needs an admin's API key with every permission)" : "";
        throw new CliError(
          "server-error",
          `${options.server}: ${error.status} ${JSON.stringify((error.data as { message?: unknown })?.message ?? "")}${hint}`,
          { cause: error },
        );
      }
      throw new CliError(
        "server-unreachable",
        `Could not read ${options.server}: ${(error as Error).message}. Is it the Immich URL, not the proxy's login page?`,
        { cause: error },
      );
    }
  }
  // The server's settings were read from the server itself.
  if (facts) draft.unmapped.splice(0, draft.unmapped.length, ...draft.unmapped.filter((u) => !u.includes("import them from the running server")));
  if (facts && folder) foldBindsIntoLibraries(draft);
  fillGaps(draft);
  if (facts) addPassthrough(draft, facts);
  const sources = [
    options.server && `server ${options.server}`,
    options.compose && `Compose folder ${options.compose}`,
    options.kubernetes && `Kubernetes folder ${options.kubernetes}`,
  ].filter(Boolean);
  const text = draft.toYaml([
    `Imported by \`immich-family import\` from ${sources.join(", ")}.`,
    "Values marked `guessed:` were not found in any source: check them. Secrets are placeholders naming keys of the secrets env file, never values.",
  ]);
  // Checked as the text it writes, so every problem is named at its line and column in that file.
  const parsed = parseSpec(text, options.outName ?? "immich-family.yaml");
  if (!parsed.ok) {
    throw new ImportInvalid(
      text,
      parsed.errors.map((d) => formatDiagnosticWithFrame(d, text)),
    );
  }
  const spec = parsed.value;
  const known = new Map(draft.secrets);
  const targets = (["kubernetes", "compose"] as const).filter((t) => spec.targets[t]);
  for (const t of targets) for (const k of secretKeys(spec, t)) if (!known.has(k.key)) known.set(k.key, k.purpose);
  return {
    text,
    spec,
    secrets: [...known].map(([key, what]) => ({ key, what })),
    unmapped: draft.unmapped,
    ...(folder || options.kubernetes
      ? {
          switchOver: [
            ...(folder && spec.targets.compose ? composeSwitchOver(folder, spec) : []),
            ...(options.kubernetes && spec.targets.kubernetes ? kubernetesSwitchOver(readManifests(options.kubernetes), spec) : []),
          ].sort((x, y) => Number(y.stateful) - Number(x.stateful)),
        }
      : {}),
  };
}

/** The imported spec does not validate: its text, and each problem at its line and column in it. */
export class ImportInvalid extends Error {
  constructor(
    readonly text: string,
    readonly problems: readonly string[],
  ) {
    super("the imported spec does not validate");
  }
}

/** `immich-family import`: write a spec from a running server and/or an existing deployment folder. */
export const main: CommandMain = async ({ cwd, io, env }, _args, flags) => {
  const server = typeof flags.server === "string" ? flags.server : flags.server === true ? env.IMMICH_URL : undefined;
  if (flags.server === true && !server) throw new CliError("bad-arguments", "--server needs a URL (or IMMICH_URL).");
  const folder = (f: unknown) => (typeof f === "string" ? resolve(cwd, f) : undefined);
  const compose = folder(flags.compose);
  const kubernetes = folder(flags.kubernetes);
  if (!server && !compose && !kubernetes) {
    throw new CliError("bad-arguments", "Nothing to import from. Pass --server URL, --compose DIR and/or --kubernetes DIR.");
  }
  const apiKey = typeof flags.apiKeyFile === "string" ? readFileSync(resolve(cwd, flags.apiKeyFile), "utf8").trim() : env.IMMICH_API_KEY;
  const out = resolve(cwd, typeof flags.out === "string" ? flags.out : "immich-family.yaml");
  const shown = relative(cwd, out) || out;
  const exists = await access(out).then(
    () => true,
    () => false,
  );
  if (exists && flags.force !== true)
    throw new CliError("bad-arguments", `${shown} already exists. Pass --force to overwrite it, or name another file with --out.`);
  let result: ImportResult;
  try {
    result = await runImport({
      ...(server ? { server } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(compose ? { compose } : {}),
      ...(kubernetes ? { kubernetes } : {}),
      outName: shown,
    });
  } catch (error) {
    if (!(error instanceof ImportInvalid)) throw error;
    // Written so the problems can be fixed where they are named; nothing else is.
    await writeFileAtomically(out, error.text);
    throw new CliError(
      "check-failed",
      `Wrote ${shown}, but it does not validate (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}): fix them there, then run \`immich-family validate ${shown}\`.`,
      {
        details: error.problems,
      },
    );
  }
  const report = result.switchOver ? switchOverLines([compose, kubernetes].filter(Boolean).join(" and "), result.switchOver) : [];
  const dataErrors = result.switchOver?.filter((d) => d.stateful).length ?? 0;
  if (dataErrors > 0 && flags.force !== true)
    throw new CliError(
      "conflict",
      `The render of the imported spec would not use the install's data (${dataErrors} error${dataErrors === 1 ? "" : "s"}); nothing was written. Fix the import's sources, or pass --force to write the spec anyway.`,
      {
        details: report,
      },
    );
  await writeFileAtomically(out, result.text);
  io.stdout(`Wrote ${shown}. Check the values marked "guessed:", then run \`immich-family validate ${shown}\`.`);
  if (result.secrets.length > 0) {
    io.stdout("Fill these keys in the secrets env file (values are never imported):");
    const w = Math.max(...result.secrets.map((s) => s.key.length));
    for (const s of result.secrets) io.stdout(`  ${s.key.padEnd(w)}  ${s.what}`);
  }
  if (result.unmapped.length > 0) {
    io.stdout(`Not mapped (${result.unmapped.length}; also listed at the end of ${shown}):`);
    for (const u of result.unmapped) io.stdout(`  - ${u}`);
  }
  for (const line of report) io.stdout(line);
  return dataErrors > 0 ? 1 : 0;
};
