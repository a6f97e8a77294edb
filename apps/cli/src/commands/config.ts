import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { escapeControl, fillTemplate, type ImmichFamilySpec, renderImmichConfigTemplate, type Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";
import { selectTargets } from "../_targets.js";
import { writeFileAtomically } from "../_write.js";

/** The largest config template `config fill` reads (a rendered one is a few KiB). */
const TEMPLATE_LIMIT = 4 * 1024 * 1024;

/** The target to render for: the one asked for, else the only one the spec declares. */
export function pickTarget(spec: ImmichFamilySpec, asked: unknown): Target {
  const [only, ...more] = selectTargets(spec, asked);
  if (only === undefined || more.length > 0) {
    throw new CliError(
      "bad-arguments",
      `The spec declares both targets and the config differs between them (machine-learning URL, ffmpeg acceleration). Pass --target kubernetes or --target compose.`,
    );
  }
  return only;
}

export interface ConfigRenderResult {
  readonly target: Target;
  readonly text: string;
}

/** `config render`: the Immich config template of the spec for one target. */
export async function configRender(cwd: string, path: string | undefined, opts: { target?: unknown }): Promise<ConfigRenderResult> {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const target = pickTarget(spec, opts.target);
  return { target, text: renderImmichConfigTemplate(spec, target) };
}

export interface ConfigFillResult {
  readonly out: string;
}

/**
 * `config fill`: fill the template's `${KEY}` placeholders from `env` and write `out` with mode 0600.
 * Fails naming every unresolved key and writes nothing; never echoes a value.
 */
export async function configFill(
  cwd: string,
  opts: { template: unknown; out: unknown },
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigFillResult> {
  if (typeof opts.template !== "string" || opts.template === "")
    throw new CliError("bad-arguments", "config fill needs --template <file>, the rendered immich-config.yaml.tmpl");
  if (typeof opts.out !== "string" || opts.out === "")
    throw new CliError("bad-arguments", "config fill needs --out <file>, where the filled config (IMMICH_CONFIG_FILE) goes");
  const shown = escapeControl(opts.template);
  let text: string;
  try {
    // Only a regular file of a sane size: a FIFO or device would block or never end.
    const file = resolve(cwd, opts.template);
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error("not a regular file"), { code: "not a regular file" });
    if (info.size > TEMPLATE_LIMIT) throw Object.assign(new Error("too big"), { code: `over ${TEMPLATE_LIMIT} bytes` });
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError("check-failed", `Cannot read the config template ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  let result: ReturnType<typeof fillTemplate>;
  try {
    result = fillTemplate(text, env);
  } catch (error) {
    throw new CliError("check-failed", `${shown}: ${escapeControl((error as Error).message)}`, { cause: error });
  }
  if (!result.ok) {
    const n = result.missing.length;
    throw new CliError(
      "check-failed",
      `${shown}: ${n} unresolved placeholder${n === 1 ? "" : "s"}: ${result.missing.join(", ")}. Set ${n === 1 ? "it" : "them"} (non-empty) in the secrets env file; nothing was written.`,
    );
  }
  await writeFileAtomically(resolve(cwd, opts.out), result.text, 0o600);
  return { out: opts.out };
}

export const main: CommandMain = async ({ cwd, io, env }, [action, path], flags) => {
  switch (action) {
    case "render": {
      const { text } = await configRender(cwd, path, { target: flags.target });
      if (typeof flags.out === "string" && flags.out !== "") {
        await writeFileAtomically(resolve(cwd, flags.out), text, 0o644);
        io.stderr(`wrote ${escapeControl(flags.out)}`);
      } else {
        io.stdout(text);
      }
      return 0;
    }
    case "fill": {
      if (path !== undefined) throw new CliError("bad-arguments", "config fill takes no spec: it reads --template and the environment");
      const { out } = await configFill(cwd, { template: flags.template, out: flags.out }, env);
      io.stderr(`wrote ${escapeControl(out)} (mode 0600)`);
      return 0;
    }
    default:
      throw new CliError(
        "bad-arguments",
        `Unknown config action: ${escapeControl(action ?? "(none)")}. Use \`config render [spec]\` or \`config fill --template <file> --out <file>\`.`,
      );
  }
};
