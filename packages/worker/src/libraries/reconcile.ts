import { createLibrary, deleteLibrary, getAllLibraries, type LibraryResponseDto, searchUsers, updateLibrary, validate } from "@immich/sdk";
import type { ImmichFamilySpec } from "@family/immich-spec";
import { ImmichApiError } from "../client/api-error.js";
import type { ImmichClient } from "../client/immich-client.js";
import { type DesiredLibrary, desiredLibraries } from "./desired.js";
import { type LibraryAction, type LibraryPlan, type LibraryProblem, planLibraries } from "./plan.js";

/** How `reconcileLibraries` runs: dry run, pruning, one library or all. */
export interface ReconcileOptions {
  /** Only plan; write nothing. */
  readonly dryRun?: boolean;
  /** Delete libraries the spec does not declare. */
  readonly prune?: boolean;
  /** Only this library handle. */
  readonly library?: string;
}

/** A declared library and its id on the server (absent in a dry run that would create it). */
export interface ResolvedLibrary extends DesiredLibrary {
  readonly id: string | undefined;
}

/** The plan, the steps applied, the problems, and each declared library resolved. */
export interface ReconcileResult {
  readonly plan: LibraryPlan;
  /** Actions carried out (none in a dry run). */
  readonly applied: readonly LibraryAction[];
  /** Owner, duplicate and path problems, one per finding. */
  readonly problems: readonly LibraryProblem[];
  readonly libraries: readonly ResolvedLibrary[];
}

/**
 * The server's verdict on each import path. `POST /libraries/{id}/validate` needs a key with the `all`
 * permission: a scoped key goes without it (the server still refuses invalid paths on create and update).
 */
async function validatePaths(client: ImmichClient, id: string, want: DesiredLibrary): Promise<LibraryProblem[]> {
  let result: Awaited<ReturnType<typeof validate>>;
  try {
    result = await client.call(`validate library ${want.handle}`, (o) =>
      validate({ id, validateLibraryDto: { importPaths: [...want.importPaths], exclusionPatterns: [...want.exclusionPatterns] } }, o),
    );
  } catch (error) {
    if (error instanceof ImmichApiError && error.kind === "forbidden") return [];
    throw error;
  }
  return (result.importPaths ?? [])
    .filter((p) => !p.isValid)
    .map((p) => ({ handle: want.handle, message: `import path ${p.importPath}: ${p.message ?? "invalid"}` }));
}

/** Create a library without risking a duplicate: after a transient failure, look before trying again. */
async function createOnce(client: ImmichClient, a: Extract<LibraryAction, { kind: "create" }>): Promise<LibraryResponseDto> {
  const find = async () => (await client.call("list libraries", (o) => getAllLibraries(o))).find((l) => l.name === a.name && l.ownerId === a.ownerId);
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.once(`create library ${a.handle}`, (o) =>
        createLibrary(
          { createLibraryDto: { name: a.name, ownerId: a.ownerId, importPaths: [...a.importPaths], exclusionPatterns: [...a.exclusionPatterns] } },
          o,
        ),
      );
    } catch (error) {
      if (!(error instanceof ImmichApiError) || !error.transient || attempt >= 5) throw error;
      const existing = await find();
      if (existing) return existing;
    }
  }
}

/**
 * Make the server's external libraries match the spec: read users and libraries, plan, validate
 * every declared import path with the server, then create and update (and delete with `prune`).
 * With nothing to do it writes nothing.
 */
export async function reconcileLibraries(client: ImmichClient, spec: ImmichFamilySpec, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const desired = desiredLibraries(spec, options.library);
  const [users, server] = await Promise.all([client.call("list users", (o) => searchUsers(o)), client.call("list libraries", (o) => getAllLibraries(o))]);
  const plan = planLibraries(desired, server, users, { prune: options.prune ?? false });
  const problems: LibraryProblem[] = [...plan.problems];
  const applied: LibraryAction[] = [];
  const ids = new Map<string, string>();
  const byHandle = new Map(desired.map((d) => [d.handle, d]));

  for (const action of plan.actions) {
    if (action.kind === "delete") {
      if (options.dryRun) continue;
      await client.call(`delete library ${action.name}`, (o) => deleteLibrary({ id: action.id }, o));
      applied.push(action);
      continue;
    }
    const want = byHandle.get(action.handle)!;
    if (action.kind === "unchanged") {
      ids.set(action.handle, action.id);
      problems.push(...(await validatePaths(client, action.id, want)));
      continue;
    }
    if (action.kind === "update") {
      ids.set(action.handle, action.id);
      const pathProblems = await validatePaths(client, action.id, want);
      problems.push(...pathProblems);
      if (options.dryRun) continue;
      if (pathProblems.length > 0 && action.importPaths) {
        problems.push({ handle: action.handle, message: "not updated: the server would reject invalid import paths; fix them and run again" });
        continue;
      }
      await client.call(`update library ${action.handle}`, (o) =>
        updateLibrary({ id: action.id, updateLibraryDto: { importPaths: [...want.importPaths], exclusionPatterns: [...want.exclusionPatterns] } }, o),
      );
      applied.push(action);
      continue;
    }
    if (options.dryRun) continue;
    const created = await createOnce(client, action);
    ids.set(action.handle, created.id);
    applied.push(action);
    problems.push(...(await validatePaths(client, created.id, want)));
  }

  return { plan, applied, problems, libraries: desired.map((d) => ({ ...d, id: ids.get(d.handle) })) };
}
