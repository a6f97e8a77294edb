import { parseArgs } from "node:util";
import { escapeControl } from "@family/immich-spec/facts";
import { CliError } from "./_errors.js";

/** What this module needs of a cac option; `config.formats` is what `outputOption` gives an `--output`. */
export interface OptionLike {
  readonly rawName: string;
  readonly names: readonly string[];
  readonly isBoolean?: boolean | undefined;
  readonly config?: { readonly default?: unknown; readonly formats?: readonly string[] | undefined } | undefined;
}

/** What a command's `--output` can print; `text`, the default, is always one of them. */
export type OutputFormat = "text" | "json" | "env";

const FORMAT_HELP: Record<OutputFormat, string> = { text: "text", json: "json", env: "env (an .env template with empty values)" };

const orList = (words: readonly string[]) => (words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`);

/**
 * A command's `--output` option, as cac's `.option(...)` arguments: `text` (the default) and the other
 * formats the command prints. `checkOutput` refuses any other value before the command runs.
 */
export function outputOption(...formats: readonly Exclude<OutputFormat, "text">[]) {
  const all: readonly OutputFormat[] = ["text", ...formats];
  return ["--output <format>", orList(all.map((f) => FORMAT_HELP[f])), { default: "text", formats: all }] as const;
}

/** Refuse an `--output` value the command does not print (exit 2), naming the ones it does. */
export function checkOutput(options: readonly OptionLike[], parsed: Record<string, unknown>): void {
  const formats = options.find((o) => o.names[0] === "output")?.config?.formats;
  const value = parsed.output;
  if (!formats || formats.includes(value as string)) return;
  throw new CliError("bad-arguments", `--output must be ${orList(formats)}, got ${escapeControl(String(value))}`);
}

const longName = (option: OptionLike) =>
  option.rawName
    .split(/[\s,]+/)
    .find((part) => part.startsWith("--"))
    ?.slice(2);

/**
 * Give back the text of every option value: cac (through mri) turns values that look like numbers
 * into numbers, so `--out 0010` would write `./10` and `--out 0600` would not be a file name. Each
 * value the user typed is re-read from `argv` (node's own `parseArgs`) where cac made a number of
 * it; an option given more than once is refused. Commands that want a number parse it themselves.
 * Changes `parsed` (cac's `options`) in place.
 */
export function keepOptionText(options: readonly OptionLike[], argv: readonly string[], parsed: Record<string, unknown>): void {
  const valued = options
    .filter((o) => !o.isBoolean)
    .flatMap((o) => {
      const long = longName(o);
      const key = o.names[0];
      return long && key ? [{ long, key }] : [];
    });
  if (valued.length === 0) return;
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(valued.map((o) => [o.long, { type: "string", multiple: true } as const])),
    strict: false,
    allowPositionals: true,
  });
  for (const { long, key } of valued) {
    const value = parsed[key];
    if (Array.isArray(value)) throw new CliError("bad-arguments", `--${long} is given ${value.length} times; give it once`);
    if (typeof value !== "number") continue;
    const typed = values[long];
    if (Array.isArray(typed) && typeof typed[0] === "string") parsed[key] = typed[0];
  }
}

/** A TCP port from an option's text: digits only, 0 to 65535. */
export function portOption(name: string, value: unknown): number {
  const text = String(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new CliError("bad-arguments", `--${name} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return port;
}
