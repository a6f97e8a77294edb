import { resolve } from "node:path";
import { describeAction, ImmichClient, type LibraryScanOutcome, type ScanReport, scanLibraries } from "@family/immich-worker";
import { escapeControl } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";
import { credentials } from "./_immich-credentials.js";

function outcomeLine(l: LibraryScanOutcome): string {
  switch (l.outcome) {
    case "skipped":
      return `${l.handle}: skipped (${l.reason})`;
    case "blocked":
      return `${l.handle}: NOT SCANNED — ${l.poll.problems.map((p) => p.message).join("; ")}`;
    case "unchanged":
      return `${l.handle}: no change${l.poll.status === "unchanged" ? ` (${l.poll.files} files)` : ""}`;
    default: {
      const verb = l.outcome === "scanned" ? "scan requested" : "would scan";
      if (l.poll.status !== "changed") return `${l.handle}: ${verb} (forced)`;
      const d = l.poll.diff;
      const why =
        l.poll.reason === "first-poll"
          ? "first run"
          : l.poll.reason === "settings-changed"
            ? "import paths or patterns changed"
            : `${d.added.length} added, ${d.removed.length} removed, ${d.modified.length} modified`;
      return `${l.handle}: ${verb} (${why})`;
    }
  }
}

/** The report without per-file lists (they can hold 100,000 paths). */
function jsonReport(report: ScanReport) {
  return {
    actions: report.reconcile.plan.actions,
    applied: report.reconcile.applied.length,
    problems: report.reconcile.problems,
    libraries: report.libraries.map((l) =>
      l.outcome === "skipped"
        ? l
        : l.poll.status === "changed"
          ? {
              handle: l.handle,
              outcome: l.outcome,
              reason: l.poll.reason,
              files: l.poll.files,
              added: l.poll.diff.added.length,
              removed: l.poll.diff.removed.length,
              modified: l.poll.diff.modified.length,
            }
          : l.poll.status === "blocked"
            ? { handle: l.handle, outcome: l.outcome, problems: l.poll.problems }
            : { handle: l.handle, outcome: l.outcome, files: l.poll.files },
    ),
    waited: report.waited ?? null,
  };
}

/** `immich-family scan`: reconcile libraries, rescan the ones whose files changed; exit 1 on any problem or blocked library. */
export const main: CommandMain = async ({ cwd, io, env, signal }, [path], flags) => {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const only = typeof flags.library === "string" ? flags.library : undefined;
  if (only !== undefined && !Object.hasOwn(spec.libraries, only)) {
    throw new CliError("bad-arguments", `No library ${escapeControl(only)} in the spec. Libraries: ${Object.keys(spec.libraries).join(", ") || "(none)"}`);
  }
  const creds = await credentials(spec, env, flags.apiKeyFile);
  const client = new ImmichClient({ baseUrl: creds.url, apiKey: creds.apiKey, keyName: creds.keySource, signal });
  const report = await scanLibraries(client, spec, {
    ...(only === undefined ? {} : { library: only }),
    force: flags.force === true,
    dryRun: flags.dryRun === true,
    prune: flags.prune === true,
    wait: flags.wait === true,
    stateDir: resolve(cwd, typeof flags.stateDir === "string" ? flags.stateDir : ".immich-family"),
    signal,
  });
  const blocked = report.libraries.filter((l) => l.outcome === "blocked").length;
  const problems = report.reconcile.problems.length;
  if (flags.output === "json") {
    io.stdout(JSON.stringify(jsonReport(report), null, 2));
  } else {
    const dry = flags.dryRun === true ? " (dry run)" : "";
    for (const a of report.reconcile.plan.actions) if (a.kind !== "unchanged") io.stdout(`${describeAction(a)}${dry}`);
    for (const p of report.reconcile.problems) io.stderr(`problem: library ${p.handle}: ${p.message}`);
    for (const l of report.libraries) (l.outcome === "blocked" ? io.stderr : io.stdout)(outcomeLine(l));
    if (report.waited !== undefined)
      io.stdout(report.waited ? "The server's library queue is idle: scans done." : "Stopped waiting: the library queue is still busy.");
    const n = (o: LibraryScanOutcome["outcome"]) => report.libraries.filter((l) => l.outcome === o).length;
    io.stdout(`Summary: ${n("scanned")} scanned, ${n("would-scan")} would scan, ${n("unchanged")} unchanged, ${blocked} blocked, ${problems} problems`);
  }
  return blocked > 0 || problems > 0 || report.waited === false ? 1 : 0;
};
