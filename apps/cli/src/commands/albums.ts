import { resolve } from "node:path";
import { type AlbumChange, type AlbumReconcileReport, changeWords, type LibraryAlbumResult, plural, reconcileAlbums } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import { CliError, EXIT_ALBUMS_SKIPPED } from "../_errors.js";
import type { Io } from "../_io.js";
import { loadSpecOrThrow } from "../_spec.js";
import { credentials } from "./_immich-credentials.js";

const ACTIONS = ["plan", "sync"] as const;

function planned(c: AlbumChange): string {
  return c.create ? "create" : c.delete ? "delete" : c.rename ? "rename" : "update";
}

/**
 * A readable table of one library's plan (or, after a sync, what became of each album: created,
 * updated, repaired, deleted, failed), then what was held back and why.
 */
export function planTable(r: LibraryAlbumResult): string[] {
  const lines = [`library ${r.library}:`];
  const plan = r.plan;
  if (plan) {
    const rows = plan.changes.map((c, i) => {
      const outcome = r.outcomes?.[i] ?? planned(c);
      const words = c.delete ?? changeWords(c);
      // A row that failed (or was never reached) says what was tried, never what reads as done.
      const failed = outcome === "failed" || outcome === "not applied";
      return [
        outcome,
        c.name,
        failed ? `tried ${c.delete ? "to delete it" : words}; not done${outcome === "failed" ? " (the error below)" : ""}` : words,
      ] as const;
    });
    if (rows.length === 0) lines.push(`  nothing to do (${plural(plan.unchanged, "album")} up to date)`);
    else {
      const w0 = Math.max(6, ...rows.map((r) => r[0].length));
      const w1 = Math.min(48, Math.max(5, ...rows.map((r) => r[1].length)));
      lines.push(`  ${(r.outcomes ? "RESULT" : "ACTION").padEnd(w0)}  ${"ALBUM".padEnd(w1)}  CHANGES`);
      for (const [a, name, what] of rows) lines.push(`  ${a.padEnd(w0)}  ${name.padEnd(w1)}  ${what}`);
      if (plan.unchanged > 0) lines.push(`  (${plural(plan.unchanged, "more album")} up to date)`);
    }
    for (const h of plan.held) lines.push(`  held: ${h}`);
    for (const p of plan.problems) lines.push(`  problem: ${p}`);
    for (const n of plan.notes) lines.push(`  note: ${n}`);
  }
  return lines;
}

function summaryLine(report: AlbumReconcileReport, applied: boolean): string {
  const libs = report.libraries;
  const sum = (f: (r: LibraryAlbumResult) => number) => libs.reduce((n, r) => n + f(r), 0);
  const failures = sum((r) => r.failures.length);
  const skipped = sum((r) => r.summary.albums.skipped);
  if (!applied) {
    const create = sum((r) => r.plan?.changes.filter((c) => c.create).length ?? 0);
    const rename = sum((r) => r.plan?.changes.filter((c) => c.rename).length ?? 0);
    const change = sum((r) => r.plan?.changes.filter((c) => !c.create && !c.rename).length ?? 0);
    const same = sum((r) => r.plan?.unchanged ?? 0);
    return `Summary: ${create} to create, ${rename > 0 ? `${rename} to rename, ` : ""}${change} to change, ${same} up to date, ${skipped} skipped, ${plural(
      sum((r) => r.plan?.problems.length ?? 0),
      "problem",
    )}, ${plural(failures, "failure")}`;
  }
  const a = (k: "created" | "renamed" | "updated" | "repaired" | "failed") => sum((r) => r.summary.albums[k]);
  const s = (k: "assetsAdded" | "assetsRemoved" | "sharesAdded" | "deleted") => sum((r) => r.summary[k]);
  return `Summary: ${a("created")} created, ${a("renamed") > 0 ? `${a("renamed")} renamed, ` : ""}${a("updated")} updated, ${a("repaired")} repaired, ${a("failed")} failed, ${skipped} skipped; ${plural(s("assetsAdded"), "photo")} added, ${s("assetsRemoved")} removed, ${plural(s("sharesAdded"), "share")} added, ${s("deleted")} deleted; ${plural(failures, "failure")}`;
}

function progress(io: Io) {
  let last = 0;
  let lastPct = -1;
  const tty = io.isTTY && process.stderr.isTTY;
  return ({ library, done, total }: { library: string; done: number; total: number }) => {
    const pct = Math.floor((done / total) * 100);
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${library} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} albums${done === total ? "\n" : ""}`);
      return;
    }
    const now = Date.now();
    if (done === total || pct >= lastPct + 10 || now - last > 5_000) {
      io.stderr(`${library}: ${done}/${total} albums applied`);
      last = now;
      lastPct = pct;
    }
  };
}

export const main: CommandMain = async ({ cwd, io, env, signal }, [act, path], flags) => {
  if (!ACTIONS.includes(act as (typeof ACTIONS)[number]))
    throw new CliError("bad-arguments", `albums: expected an action, plan or sync, got ${act ?? "nothing"}. Run \`immich-family albums plan\`.`);
  const output = flags.output ?? "text";
  const baseUrl = env.IMMICH_URL;
  if (!baseUrl)
    throw new CliError(
      "bad-arguments",
      "Set IMMICH_URL to the Immich API URL, e.g. https://photos.example.com/api, and the API keys the spec references (e.g. IMMICH_API_KEY).",
    );
  const { spec } = await loadSpecOrThrow(cwd, path);
  // The admin key is optional here (members' own keys suffice to build their albums); a key file overrides the env var.
  const fromFile = flags.apiKeyFile === undefined ? undefined : await credentials(spec, env, flags.apiKeyFile);
  const apply = act === "sync";
  if (!apply && (flags.allowRemovals || flags.cleanupEmpty))
    io.stderr("note: --allow-removals and --cleanup-empty only change what `albums plan` shows as planned");
  const report = await reconcileAlbums({
    spec,
    baseUrl,
    ...(fromFile ? { adminApiKey: fromFile.apiKey, adminKeyName: fromFile.keySource } : {}),
    env,
    apply,
    signal,
    ...(typeof flags.library === "string" ? { library: flags.library } : {}),
    allowRemovals: Boolean(flags.allowRemovals),
    cleanupEmpty: Boolean(flags.cleanupEmpty),
    deep: Boolean(flags.deep),
    stateDir: resolve(cwd, typeof flags.stateDir === "string" ? flags.stateDir : ".immich-family"),
    ...(apply && output === "text" ? { onProgress: progress(io) } : {}),
  });
  if (output === "json") {
    io.stdout(JSON.stringify({ applied: apply, ...report }, null, 2));
  } else {
    for (const r of report.libraries) {
      io.stdout(planTable(r).join("\n"));
      if (apply && r.summary.renamed.length > 0)
        io.stdout(r.summary.renamed.map((x) => `  renamed ${x} (same album: its shares, links, comments and cover kept)`).join("\n"));
      if (apply && r.summary.repaired.length > 0) io.stdout(r.summary.repaired.map((x) => `  repaired ${x}`).join("\n"));
      for (const f of r.failures) io.stderr(`error: ${f}`);
    }
    io.stdout(summaryLine(report, apply));
  }
  // A key not set, rejected or another user's is the user's move (exit 2), not a failure to retry.
  if (report.libraries.some((r) => r.credentials)) return 2;
  if (!report.ok) return 1;
  return report.libraries.some((r) => r.summary.albums.skipped > 0) ? EXIT_ALBUMS_SKIPPED : 0;
};
