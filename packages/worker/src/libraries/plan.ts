import type { LibraryResponseDto, UserResponseDto } from "@immich/sdk";
import type { DesiredLibrary } from "./desired.js";

/** One step to bring a server library in line with the spec. */
export type LibraryAction =
  | {
      readonly kind: "create";
      readonly handle: string;
      readonly name: string;
      readonly ownerId: string;
      readonly importPaths: readonly string[];
      readonly exclusionPatterns: readonly string[];
    }
  | {
      readonly kind: "update";
      readonly handle: string;
      readonly id: string;
      readonly name: string;
      readonly importPaths?: { readonly from: readonly string[]; readonly to: readonly string[] };
      readonly exclusionPatterns?: { readonly from: readonly string[]; readonly to: readonly string[] };
    }
  | { readonly kind: "unchanged"; readonly handle: string; readonly id: string; readonly name: string }
  | { readonly kind: "delete"; readonly id: string; readonly name: string; readonly assetCount: number };

/** What is wrong with one library, by its handle. */
export interface LibraryProblem {
  readonly handle: string;
  readonly message: string;
}

/** The steps for every declared library, and the problems found. */
export interface LibraryPlan {
  readonly actions: readonly LibraryAction[];
  readonly problems: readonly LibraryProblem[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\0") === [...b].sort().join("\0");

/**
 * Compare the spec's libraries with the server's. Libraries are matched by name and owner (Immich
 * has no other handle for them); `prune` lists the server's undeclared libraries for deletion.
 */
export function planLibraries(
  desired: readonly DesiredLibrary[],
  server: readonly LibraryResponseDto[],
  users: readonly UserResponseDto[],
  options: { readonly prune?: boolean } = {},
): LibraryPlan {
  const actions: LibraryAction[] = [];
  const problems: LibraryProblem[] = [];
  const claimed = new Set<string>();
  for (const want of desired) {
    const owner = users.find((u) => u.email.toLowerCase() === want.ownerEmail.toLowerCase());
    if (!owner) {
      problems.push({
        handle: want.handle,
        message: `owner ${want.ownerHandle} (${want.ownerEmail}) is not a user the API key can see; create the user, or check server.publicUsers and the key's admin rights`,
      });
      continue;
    }
    const matches = server.filter((l) => l.name === want.name && l.ownerId === owner.id);
    if (matches.length > 1) {
      problems.push({
        handle: want.handle,
        message: `${matches.length} libraries named "${want.name}" belong to ${want.ownerEmail}; rename or delete the extra ones in Immich`,
      });
      for (const m of matches) claimed.add(m.id);
      continue;
    }
    const current = matches[0];
    if (!current) {
      actions.push({
        kind: "create",
        handle: want.handle,
        name: want.name,
        ownerId: owner.id,
        importPaths: want.importPaths,
        exclusionPatterns: want.exclusionPatterns,
      });
      continue;
    }
    claimed.add(current.id);
    const pathsDiffer = !sameSet(current.importPaths, want.importPaths);
    const patternsDiffer = !sameSet(current.exclusionPatterns, want.exclusionPatterns);
    if (!pathsDiffer && !patternsDiffer) {
      actions.push({ kind: "unchanged", handle: want.handle, id: current.id, name: want.name });
      continue;
    }
    actions.push({
      kind: "update",
      handle: want.handle,
      id: current.id,
      name: want.name,
      ...(pathsDiffer ? { importPaths: { from: current.importPaths, to: want.importPaths } } : {}),
      ...(patternsDiffer ? { exclusionPatterns: { from: current.exclusionPatterns, to: want.exclusionPatterns } } : {}),
    });
  }
  if (options.prune) {
    for (const l of server) if (!claimed.has(l.id)) actions.push({ kind: "delete", id: l.id, name: l.name, assetCount: l.assetCount });
  }
  return { actions, problems };
}

/** One line per action, for `--dry-run` and logs. */
export function describeAction(a: LibraryAction): string {
  switch (a.kind) {
    case "create":
      return `create library ${a.handle} "${a.name}" (${a.importPaths.join(", ")}${a.exclusionPatterns.length ? `; excluding ${a.exclusionPatterns.join(", ")}` : ""})`;
    case "update":
      return [
        `update library ${a.handle} "${a.name}":`,
        a.importPaths ? ` import paths ${a.importPaths.from.join(", ") || "(none)"} → ${a.importPaths.to.join(", ")}` : "",
        a.exclusionPatterns ? ` exclusion patterns ${a.exclusionPatterns.from.join(", ") || "(none)"} → ${a.exclusionPatterns.to.join(", ") || "(none)"}` : "",
      ].join("");
    case "unchanged":
      return `library ${a.handle} "${a.name}" is as declared`;
    case "delete":
      return `delete library "${a.name}" (${a.id}, ${a.assetCount} assets) — not in the spec`;
  }
}
