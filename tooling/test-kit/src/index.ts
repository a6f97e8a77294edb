// The one way tests build a spec: an example file as the user wrote it, changed by a mutation, then
// parsed (and so validated) again. The parser is passed in, so @family/immich-spec's own tests use
// their sources and the other packages the library, without a dependency cycle.
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";

/** The repository's `examples/` folder. */
export const examplesDir = new URL("../../../examples/", import.meta.url);

/** The example specs' file names (`family.yaml`), sorted. */
export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
}

/** The example specs' names, without `.yaml`, sorted. */
export function exampleNames(): string[] {
  return exampleFiles().map((f) => f.slice(0, -".yaml".length));
}

const fileOf = (name: string) => (name.endsWith(".yaml") ? name : `${name}.yaml`);

/** An example's text, as the user wrote it; `name` with or without `.yaml`. */
export function exampleText(name: string): string {
  return readFileSync(new URL(fileOf(name), examplesDir), "utf8");
}

/** A spec as written, edited freely by a test before it is parsed (and validated) again. */
// biome-ignore lint/suspicious/noExplicitAny: drafts reach into any field of the written spec
export type Draft = Record<string, any>;

/** An example as plain data, fresh on each call so a mutation never leaks into the next test. */
export function exampleInput(name: string): Draft {
  return parse(exampleText(name)) as Draft;
}

/** `text` with `from` replaced by `to`; throws when `from` is absent so a stale edit cannot pass silently. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, () => to);
}

type Parse<S> = (text: string, file: string) => { ok: true; value: S } | { ok: false; errors: readonly { path: string; message: string }[] };

/** The spec builders over a parser (`parseSpec`); each throws, naming every error, when the result is invalid. */
export function specBuilder<S>(parseSpec: Parse<S>) {
  const specFromText = (text: string, file = "spec.yaml"): S => {
    const result = parseSpec(text, file);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
    return result.value;
  };
  const specFromInput = (input: unknown): S => specFromText(JSON.stringify(input), "variant.yaml");
  return {
    specFromText,
    specFromInput,
    /** An example, parsed. */
    exampleSpec: (name: string): S => specFromText(exampleText(name), `examples/${fileOf(name)}`),
    /** An example changed by `mutate`, parsed: the way a user changes one value in the spec. */
    specWith: (name: string, mutate: (input: Draft) => void): S => {
      const input = exampleInput(name);
      mutate(input);
      return specFromInput(input);
    },
  };
}
