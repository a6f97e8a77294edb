import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImmichFamilySpec } from "@family/immich-spec";
import { parseDocument } from "yaml";
import { exampleText, specFromText } from "../../test/helpers.js";

/**
 * A folder to be the whole PATH, holding stand-in `kubectl` and `docker` scripts that answer like the
 * real tools. They use only shell builtins, so nothing else on the machine is reached, and log every
 * call to `calls`.
 */
export function standIns(): { dir: string; env: NodeJS.ProcessEnv; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), "preflight-path-"));
  writeFileSync(join(dir, "calls"), "");
  return { dir, env: { PATH: dir }, calls: () => readFileSync(join(dir, "calls"), "utf8").split("\n").filter(Boolean) };
}

function script(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> "\${0%/*}/calls"\n${body}`);
  chmodSync(join(dir, name), 0o755);
}

/**
 * A stand-in kubectl knowing `objects` ("<kind> <name>", e.g. "crd clusters.postgresql.cnpg.io") as
 * `kubectl get <kind> <name>` does: the name on stdout and exit 0, or `Error from server (NotFound)`
 * and exit 1. `kubectl get storageclass -o json` prints `storageClassesJson`.
 */
export function fakeKubectl(dir: string, objects: readonly string[], storageClassesJson = '{"items":[]}'): void {
  writeFileSync(join(dir, "objects"), `${objects.join("\n")}\n`);
  writeFileSync(join(dir, "storageclasses.json"), `${storageClassesJson}\n`);
  script(
    dir,
    "kubectl",
    `here="\${0%/*}"
if [ "$1 $2 $3" = "get --raw /version" ]; then echo '{"major":"1","minor":"31","gitVersion":"v1.31.2"}'; exit 0; fi
if [ "$1" = get ] && [ "$2" = storageclass ] && [ "$3" = -o ]; then
  while IFS= read -r line; do echo "$line"; done < "$here/storageclasses.json"; exit 0
fi
if [ "$1" = get ]; then
  while IFS= read -r line; do
    if [ "$line" = "$2 $3" ]; then echo "NAME"; echo "$3"; exit 0; fi
  done < "$here/objects"
  echo "Error from server (NotFound): $2 \\"$3\\" not found" >&2; exit 1
fi
echo "stand-in kubectl: unexpected $*" >&2; exit 2
`,
  );
}

/** A stand-in kubectl that cannot reach any cluster, with klog noise before the reason as the real one prints it. */
export function unreachableKubectl(dir: string): void {
  script(
    dir,
    "kubectl",
    `echo 'E1129 07:43:20.526917   12553 memcache.go:265] "Unhandled Error" err="could not get the server API group list: dial tcp 127.0.0.1:8080: connect: connection refused"' >&2
echo "The connection to the server localhost:8080 was refused - did you specify the right host or port?" >&2; exit 1
`,
  );
}

/** A stand-in docker whose `docker compose version` prints `version`, or fails like a Docker without the plugin. */
export function fakeDocker(dir: string, version: string | undefined): void {
  script(
    dir,
    "docker",
    version
      ? `if [ "$1 $2" = "compose version" ]; then echo "Docker Compose version ${version}"; exit 0; fi\necho "stand-in docker: unexpected $*" >&2; exit 2\n`
      : `echo "docker: 'compose' is not a docker command." >&2; echo "See 'docker --help'" >&2; exit 1\n`,
  );
}

/** An example spec with some values set and some removed (dotted paths into the YAML), parsed by the tests' one builder. */
export function exampleSpec(name: string, set: Record<string, unknown> = {}, remove: readonly string[] = []): ImmichFamilySpec {
  const doc = parseDocument(exampleText(name));
  for (const [path, value] of Object.entries(set)) doc.setIn(path.split("."), value);
  for (const path of remove) doc.deleteIn(path.split("."));
  return specFromText(doc.toString(), name);
}
