// The one way tests build a spec: an example file as the user wrote it, or the smallest spec a test
// fills in, changed by a mutation, then parsed (and so validated) again. The parser is passed in, so
// @family/immich-spec's own tests use their sources and the other packages the library, without a
// dependency cycle.
import { readdirSync, readFileSync } from "node:fs";
import { parse, stringify } from "yaml";

export { cleanPath, immichRoutesToSignUp, ORDINARY_API_PATHS, type PathCleaning, SIGN_UP_ATTEMPTS } from "./admin-sign-up.js";

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

/**
 * The smallest spec as written, for tests that bring their own libraries: members ann (admin) and
 * bob, Immich v2.7.5, and a Compose target serving each library from its own path. Each section of
 * `sections` replaces the one of the same name (e.g. `members`, `immich`, `worker`, `targets`).
 */
export function minimalInput(libraries: Draft = {}, sections: Draft = {}): Draft {
  return {
    apiVersion: "immich-family.dev/v1alpha1",
    kind: "ImmichFamily",
    metadata: { name: "test" },
    immich: { version: "v2.7.5" },
    hosts: { web: "photos.example.com" },
    members: { ann: { name: "Ann", email: "ann@example.com", admin: true }, bob: { name: "Bob", email: "bob@example.com" } },
    libraries,
    targets: {
      compose: {
        user: { uid: 1000, gid: 1000 },
        paths: { media: "/srv/media" },
        libraries: Object.fromEntries(Object.entries(libraries).map(([handle, library]) => [handle, { hostPath: library.path }])),
      },
    },
    ...sections,
  };
}

/** `${KEY}`, as a spec writes a reference to a key of the secrets env file. */
export function secretRef(key: string): string {
  return `$\{${key}}`;
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
    /** A spec as YAML text for a test to write to a file, checked valid first. */
    specText: (input: Draft): string => {
      const text = stringify(input);
      specFromText(text);
      return text;
    },
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
