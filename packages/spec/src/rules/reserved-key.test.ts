import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const K8S = "  kubernetes:\n";
const k8s = (lines: string) => edit(BASE_SPEC, K8S, `${K8S}${lines}\n`);

describe("rule reserved-key", () => {
  it("refuses constructor in the maps rendered as Kubernetes object keys, at the key", () => {
    const text = k8s(
      [
        "    database:",
        "      parameters: { constructor: '1', max_connections: '200' }",
        "      backup: { schedule: '0 0 3 * * *', method: plugin, pluginName: barman-cloud.cloudnative-pg.io, pluginParameters: { barmanObjectName: store, constructor: x } }",
        "    worker:",
        "      nodeSelector: { constructor: a }",
        "      tolerations: [{ key: a, constructor: b }]",
      ].join("\n"),
    );
    const cdk8s = "cannot be rendered into a Kubernetes object (cdk8s takes it for the object's class); remove or rename it [reserved-key]";
    expect(diagnose(text)).toEqual([
      `spec.yaml:38:21: targets.kubernetes.database.parameters.constructor: the key "constructor" ${cdk8s}`,
      `spec.yaml:39:147: targets.kubernetes.database.backup.pluginParameters.constructor: the key "constructor" ${cdk8s}`,
      `spec.yaml:41:23: targets.kubernetes.worker.nodeSelector.constructor: the key "constructor" ${cdk8s}`,
      `spec.yaml:42:31: targets.kubernetes.worker.tolerations.0.constructor: the key "constructor" ${cdk8s}`,
    ]);
  });

  it("accepts the other Object.prototype names there as ordinary keys", () => {
    const text = k8s("    worker:\n      nodeSelector: { toString: a, hasOwnProperty: b, valueOf: c, isPrototypeOf: d }\n      tolerations: [{ toString: x }]");
    expect(diagnose(text)).toEqual([]);
  });

  it("refuses __proto__ anywhere, before the schema (which would drop it without a word)", () => {
    expect(diagnose(edit(BASE_SPEC, "    name: Bob", "    name: Bob\n    __proto__: { admin: true }"))).toEqual([
      `spec.yaml:23:5: members.bob.__proto__: the key "__proto__" is reserved (JavaScript would take it for the object's prototype, not a key); rename it [reserved-key]`,
      `spec.yaml:23:5: members.bob.__proto__: unknown key "__proto__"; expected one of: name, email, admin, quota, storageLabel, password, apiKey, preferences, partners [unknown-key]`,
    ]);
  });
});

describe("handles named like Object.prototype members", () => {
  it("constructor is an ordinary member and library handle: declared, it is found; undeclared, it is not", () => {
    const declared = edit(edit(BASE_SPEC, "  bob:\n", "  constructor:\n"), "member: bob", "member: constructor");
    expect(diagnose(declared)).toEqual([]);
    expect(diagnose(edit(BASE_SPEC, "    owner: ann", "    owner: constructor"))).toEqual([
      'spec.yaml:26:12: libraries.photos.owner: library owner "constructor" is not a declared member; members: ann, bob [library-owner]',
    ]);
    expect(diagnose(edit(BASE_SPEC, "member: bob", "member: constructor"))).toEqual([
      'spec.yaml:31:21: libraries.photos.albums.shareWith.0.member: album share target "constructor" is not a declared member; members: ann, bob [album-share]',
    ]);
  });

  it("a target's library named constructor must be a declared library, and a declared one needs its own source", () => {
    expect(
      diagnose(edit(BASE_SPEC, "      photos: { hostPath: /srv/photos }", "      photos: { hostPath: /srv/photos }\n      constructor: { hostPath: /srv/c }")),
    ).toEqual(['spec.yaml:46:7: targets.compose.libraries.constructor: "constructor" is not a declared library; libraries: photos [library-targets]']);
  });
});
