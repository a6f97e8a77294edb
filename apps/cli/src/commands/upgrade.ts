import { readFileSync, realpathSync, statSync } from "node:fs";
import { renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import {
  type BreakingChange,
  buildImmichConfig,
  changedDefaults,
  compareVersions,
  type ConfigObject,
  configValue,
  formatDiagnosticWithFrame,
  type ImmichFamilySpec,
  immichLine,
  newestSupportedRelease,
  normalizeVersion,
  parseSpec,
  pinConfigValues,
  planUpgrade,
  type RenderedFile,
  setImmichVersion,
  type Target,
  type UpgradePlan,
} from "@family/immich-spec";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import type { CommandMain, Flags } from "../_command.js";
import { CliError } from "../_errors.js";
import type { Io } from "../_io.js";
import { readSpecSource } from "../_spec.js";
import { declaredTargets } from "../_targets.js";
import { writeFileAtomically } from "../_write.js";

const RENDERERS: Record<Target, (spec: ImmichFamilySpec) => RenderedFile[]> = {
  kubernetes: renderKubernetes,
  compose: renderCompose,
};

/** One rendered file that the upgrade changes, as a unified diff. */
export interface FileDiff {
  readonly target: Target;
  readonly path: string;
  readonly status: "changed" | "added" | "removed";
  readonly patch: string;
}

/** A server setting whose default the upgrade changes, and what the spec does about it. */
export interface DefaultChange {
  /** Dotted, e.g. ffmpeg.accelDecode. */
  readonly key: string;
  readonly from: unknown;
  readonly to: unknown;
  /** The spec's own value, when it sets one (then the default does not matter). */
  readonly spec?: unknown;
  /**
   * kept: the spec sets it; pinned: the old default is written into immich.config; new: the new default
   * applies (--accept-new-defaults); refused: the new line refuses the old value, so the new one applies.
   */
  readonly action: "kept" | "pinned" | "new" | "refused";
}

export interface UpgradePreview {
  /** The spec's path as the user gave it. */
  readonly shown: string;
  readonly file: string;
  readonly source: string;
  /** The spec's text with `immich.version` changed, and the old defaults pinned unless the new ones are accepted. */
  readonly upgraded: string;
  /** Every setting whose default differs between the two lines, from the lines' default tables. */
  readonly defaults: readonly DefaultChange[];
  readonly plan: Extract<UpgradePlan, { ok: true }>;
  /** The spec's own diff (one line), then every rendered file that changes. */
  readonly specPatch: string;
  readonly diffs: readonly FileDiff[];
  /** How many rendered files the upgrade leaves as they are. */
  readonly unchanged: number;
}

const patchOf = (name: string, before: string, after: string, from: string, to: string) =>
  createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, from, to, { headerOptions: FILE_HEADERS_ONLY });

function parseOrThrow(text: string, shown: string, what: string): ImmichFamilySpec {
  const result = parseSpec(text, shown);
  if (result.ok) return result.value;
  const n = result.errors.length;
  throw new CliError("spec-invalid", `${shown} ${what} (${n} error${n === 1 ? "" : "s"})`, {
    details: result.errors.map((d) => formatDiagnosticWithFrame(d, text)),
  });
}

/**
 * What moving the spec's pinned Immich release to `to` (default: the newest the tool knows) changes:
 * the plan from the release table and the exact diff of every rendered file, both versions rendered in
 * memory. Nothing is written. Throws a CliError with the reason when the jump is refused.
 */
export async function previewUpgrade(
  cwd: string,
  path: string | undefined,
  to: string | undefined,
  options: { readonly acceptNewDefaults?: boolean } = {},
): Promise<UpgradePreview | { readonly shown: string; readonly current: string }> {
  const { file, shown, source } = await readSpecSource(cwd, path);
  const spec = parseOrThrow(source, shown, "is not a valid spec; run `immich-family validate` after fixing it");
  const from = spec.immich.version;
  const target = normalizeVersion(to ?? newestSupportedRelease());
  if (/^v[0-9]+\.[0-9]+\.[0-9]+$/.test(target) && compareVersions(from, target) === 0) return { shown, current: from };
  const plan = planUpgrade(from, target);
  if (!plan.ok) {
    throw new CliError("bad-arguments", `refusing to upgrade ${shown} from ${from} to ${plan.to}: ${plan.reason}`, {
      details: plan.suggestion ? [`next: immich-family upgrade${path === undefined ? "" : ` ${path}`} --to ${plan.suggestion}`] : [],
    });
  }
  const moved = setImmichVersion(source, plan.to);
  const atNew = parseOrThrow(moved, shown, `is not a valid spec at ${plan.to}`);
  const defaults = defaultChanges(spec, atNew, options.acceptNewDefaults === true);
  const upgraded = pinConfigValues(
    moved,
    defaults.filter((d) => d.action === "pinned").map((d) => ({ path: d.key.split("."), value: d.from })),
  );
  const next = parseOrThrow(upgraded, shown, `is not a valid spec at ${plan.to}`);
  const diffs: FileDiff[] = [];
  let unchanged = 0;
  for (const t of declaredTargets(spec)) {
    const before = new Map(RENDERERS[t](spec).map((f) => [f.path, f.content]));
    const after = new Map(RENDERERS[t](next).map((f) => [f.path, f.content]));
    for (const p of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const [a, b] = [before.get(p), after.get(p)];
      if (a === b) {
        unchanged++;
        continue;
      }
      const status = a === undefined ? "added" : b === undefined ? "removed" : "changed";
      diffs.push({ target: t, path: p, status, patch: patchOf(`${t}/${p}`, a ?? "", b ?? "", from, plan.to) });
    }
  }
  return { shown, file, source, upgraded, defaults, plan, specPatch: patchOf(shown, source, upgraded, from, plan.to), diffs, unchanged };
}

/** The changed defaults of the move from `spec`'s line to `atNew`'s, with the spec's own value (as it renders) for each. */
function defaultChanges(spec: ImmichFamilySpec, atNew: ImmichFamilySpec, accept: boolean): DefaultChange[] {
  const target: Target = atNew.targets.kubernetes ? "kubernetes" : "compose";
  const rendered = buildImmichConfig(atNew, target) as ConfigObject;
  return changedDefaults(immichLine(spec), immichLine(atNew)).map((c) => {
    const own = configValue(rendered, c.path);
    const base = { key: c.path.join("."), from: c.from, to: c.to };
    if (own !== undefined) return { ...base, spec: own, action: "kept" as const };
    if (!c.pinnable) return { ...base, action: "refused" as const };
    return { ...base, action: accept ? ("new" as const) : ("pinned" as const) };
  });
}

const shownValue = (v: unknown) => JSON.stringify(v);

function defaultLines(p: UpgradePreview): string[] {
  if (p.defaults.length === 0) return [];
  const w = Math.max(...p.defaults.map((d) => d.key.length));
  const what = {
    kept: (d: DefaultChange) => `spec sets ${shownValue(d.spec)}: unchanged`,
    pinned: (d: DefaultChange) => `spec: not set → pinned to the old ${shownValue(d.from)} in immich.config (--accept-new-defaults takes the new one)`,
    new: (d: DefaultChange) => `spec: not set → the new default ${shownValue(d.to)} applies (--accept-new-defaults)`,
    refused: (d: DefaultChange) => `spec: not set → the new default ${shownValue(d.to)} applies: v${p.plan.target.major}.x refuses the old value`,
  };
  return [
    `Defaults that change (${p.defaults.length}; old → new, from each line's default table):`,
    ...p.defaults.map((d) => `  ${d.key.padEnd(w)}  ${shownValue(d.from)} → ${shownValue(d.to)}; ${what[d.action](d)}`),
    "",
  ];
}

function changeLines(changes: readonly BreakingChange[]): string[] {
  const w = Math.max(...changes.map((c) => c.area.length));
  return changes.flatMap((c) => [`  ${c.area.padEnd(w)}  ${c.change}`, `  ${"".padEnd(w)}  → ${c.handling} [${c.source}]`]);
}

/** The preview as the text `upgrade` prints. */
export function previewText(p: UpgradePreview): string[] {
  const { plan } = p;
  const out = [`Upgrade ${p.shown}: Immich ${plan.from} → ${plan.to}`, ""];
  for (const note of plan.notes) out.push(`note: ${note}`, "");
  for (const { line, breaking } of plan.lines) {
    out.push(`Breaking changes entering v${line.major}.x (${breaking.length}):`, ...changeLines(breaking), "");
  }
  const t = plan.target;
  out.push(
    `Requirements of v${t.major}.x:`,
    `  database     PostgreSQL ${t.database.postgres}, VectorChord ${t.database.vectorChord}`,
    ...t.database.refused.map((r) => `               refused: ${r}`),
    `               images: ${t.database.images}`,
    `  mobile apps  ${t.mobileApp.minimum ? `${t.mobileApp.minimum} or newer` : "unknown: no source gives a minimum"}: ${t.mobileApp.note} [${t.mobileApp.source}]`,
    "",
    "Manual steps:",
    ...plan.manualSteps.map((s, i) => `  ${i + 1}. ${s}`),
    "",
    ...defaultLines(p),
  );
  const total = p.diffs.length + p.unchanged;
  out.push(`Rendered files that change: ${p.diffs.length} of ${total}${p.diffs.length === 0 ? "" : ":"}`);
  for (const d of p.diffs) out.push(`  ${d.status.padEnd(7)}  ${d.target}/${d.path}`);
  out.push("", p.specPatch.trimEnd());
  for (const d of p.diffs) out.push(d.patch.trimEnd());
  return out;
}

/** Asks whether to write; the terminal path uses @clack/prompts. Undefined when the user cancelled. */
export type Confirm = (message: string) => Promise<boolean | undefined>;

const clackConfirm: Confirm = async (message) => {
  const p = await import("@clack/prompts");
  const answer = await p.confirm({ message, initialValue: false });
  return p.isCancel(answer) ? undefined : answer;
};

/**
 * Pin the preview's release in the spec file: only `immich.version` changes, written atomically with
 * the file's mode kept. Refuses when the file changed since it was read.
 */
export async function writeUpgrade(p: UpgradePreview): Promise<void> {
  const real = realpathSync(p.file);
  if (readFileSync(real, "utf8") !== p.source)
    throw new CliError("write-failed", `${p.shown} changed while the upgrade was shown; run \`immich-family upgrade\` again`);
  await writeFileAtomically(real, p.upgraded, statSync(real).mode & 0o777);
}

export async function runUpgrade(cwd: string, io: Io, path: string | undefined, flags: Flags, confirm: Confirm = clackConfirm): Promise<number> {
  const to = flags.to === undefined ? undefined : String(flags.to);
  const preview = await previewUpgrade(cwd, path, to, { acceptNewDefaults: flags.acceptNewDefaults === true });
  const json = flags.output === "json";
  if (!("plan" in preview)) {
    if (json) io.stdout(JSON.stringify({ spec: preview.shown, from: preview.current, to: preview.current, upToDate: true, written: false }, null, 2));
    else io.stdout(`${preview.shown} already pins ${preview.current}${to === undefined ? ", the newest release this tool knows" : ""}; nothing to do.`);
    return 0;
  }
  if (!json) for (const line of previewText(preview)) io.stdout(line);
  let write = flags.yes === true;
  if (!write && !json && io.isTTY) {
    const answer = await confirm(`Pin Immich ${preview.plan.to} in ${preview.shown}? (${whatChanges(preview)})`);
    if (answer === undefined) {
      io.stdout("Nothing written.");
      return 1;
    }
    write = answer;
  }
  if (write) await writeUpgrade(preview);
  if (json) {
    const { plan } = preview;
    io.stdout(
      JSON.stringify(
        {
          spec: preview.shown,
          from: plan.from,
          to: plan.to,
          notes: plan.notes,
          lines: plan.lines.map((l) => ({ line: `v${l.line.major}`, breaking: l.breaking })),
          requirements: { database: plan.target.database, mobileApp: plan.target.mobileApp },
          manualSteps: plan.manualSteps,
          defaults: preview.defaults,
          diffs: preview.diffs,
          unchanged: preview.unchanged,
          written: write,
        },
        null,
        2,
      ),
    );
  } else {
    io.stdout("");
    io.stdout(
      write
        ? `wrote ${preview.shown}: immich.version ${preview.plan.from} → ${preview.plan.to}${pinnedText(preview)}. next: immich-family render, then follow the manual steps above`
        : `Nothing written. Run again with --yes to pin ${preview.plan.to} in ${preview.shown}.`,
    );
  }
  return 0;
}

const pinnedOf = (p: UpgradePreview) => p.defaults.filter((d) => d.action === "pinned");
const whatChanges = (p: UpgradePreview) =>
  pinnedOf(p).length === 0
    ? "only immich.version changes"
    : `immich.version, and the old defaults of ${pinnedOf(p)
        .map((d) => d.key)
        .join(", ")} pinned in immich.config`;
const pinnedText = (p: UpgradePreview) =>
  pinnedOf(p).length === 0
    ? ""
    : `; kept the old defaults in immich.config: ${pinnedOf(p)
        .map((d) => `${d.key}: ${shownValue(d.from)}`)
        .join(", ")}`;

/** `immich-family upgrade [spec] [--to vX.Y.Z] [--yes] [--accept-new-defaults]`. */
export const main: CommandMain = async ({ cwd, io }, [path], flags) => runUpgrade(cwd, io, path, flags);
