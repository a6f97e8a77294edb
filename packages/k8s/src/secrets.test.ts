import { secretKeys } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { exampleNames, exampleSpec, type K8sObject, objects } from "../test/helpers.js";

type Container = {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
};

/** Every container of every pod template, as `<deployment>/<container>`. */
function containers(list: readonly K8sObject[]): [string, Container][] {
  return list
    .filter((o) => o.kind === "Deployment")
    .flatMap((d) =>
      [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].map((c: Container): [string, Container] => [
        `${d.metadata.name}/${c.name}`,
        c,
      ]),
    );
}

/** The reader `secretKeys` names for each rendered container (suffix of `<deployment>/<container>`). */
const READER_OF: Record<string, string> = {
  "server/config-fill": "config-init",
  "server/server": "immich-server",
  "redis/redis": "redis",
  "worker/worker": "worker",
};
const readerOf = (id: string) => Object.entries(READER_OF).find(([suffix]) => id.endsWith(`-${suffix}`))?.[1];

describe.each(exampleNames().filter((n) => exampleSpec(n).targets.kubernetes))("secrets of %s", (name) => {
  const spec = exampleSpec(name);
  const list = objects(spec);
  const secret = `${spec.metadata.name}-secrets`;

  it("each container reads from the Secret exactly the keys secretKeys gives its reader", () => {
    const all = secretKeys(spec, "kubernetes");
    expect(all.length).toBeGreaterThan(0);
    for (const [id, c] of containers(list)) {
      const reader = readerOf(id);
      const expected = all.filter((k) => reader !== undefined && k.readers.some((r) => r === reader)).map((k) => k.key);
      const read = (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef?.name === secret ? [e.valueFrom.secretKeyRef.key] : []));
      expect(read.sort(), id).toEqual(expected.sort());
    }
  });

  it("no secret reaches a command or its arguments", () => {
    for (const [id, c] of containers(list)) {
      const secretVars = (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
      const argv = [...(c.command ?? []), ...(c.args ?? [])].join("\n");
      // Kubernetes expands `$(VAR)` in command and args before the process starts: `ps` would show the value.
      for (const v of secretVars) expect(argv, `${id} ${v}`).not.toMatch(new RegExp(`(^|[^$])\\$\\(${v}\\)`));
      for (const k of secretKeys(spec, "kubernetes")) expect(argv, `${id} ${k.key}`).not.toContain(k.key);
    }
  });
});
