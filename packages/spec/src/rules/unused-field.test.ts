import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";
import { parseSpec } from "../index.js";

/** The unused-field warnings of `text`, as `path: message` lines. */
const unused = (text: string) => {
  const result = parseSpec(text, "spec.yaml");
  expect(result.ok ? [] : result.errors).toEqual([]);
  return result.warnings.filter((w) => w.code === "unused-field").map((w) => `${w.line}:${w.column} ${w.path}: ${w.message}`);
};
const kubernetesOnly = (text: string) => text.slice(0, text.indexOf("  compose:"));
const database = (text: string, lines: string) => edit(text, "  vectorVersion: 0.3.0", `  vectorVersion: 0.3.0\n${lines}`);

describe("rule unused-field", () => {
  it("says nothing about a spec whose every field has an effect", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });

  it("warns at database.password on Kubernetes, whose CloudNativePG generates the password", () => {
    const text = database(BASE_SPEC, "  password: ${PG_PASSWORD}");
    expect(diagnose(text)).toEqual([
      "spec.yaml:35:3: warning: database.password: has no effect on the kubernetes target: CloudNativePG generates the app role's password (Secret smiths-postgres-app); only the compose target reads it [unused-field]",
    ]);
    expect(unused(kubernetesOnly(text))).toEqual([
      "35:3 database.password: has no effect on the kubernetes target: CloudNativePG generates the app role's password (Secret smiths-postgres-app)",
    ]);
    const composeOnly = text.replace(/ {2}kubernetes:\n(?: {4}.*\n)+/, "");
    expect(composeOnly).not.toContain("kubernetes:");
    expect(unused(composeOnly)).toEqual([]);
  });

  it("warns at OAuth and host settings that nothing reads", () => {
    const entra = edit(
      BASE_SPEC,
      "    preset: google",
      "    preset: entra\n    tenantId: abc\n    issuerUrl: https://login.example.com/v2.0\n    mobileRedirect: false\n    mobileRedirectHost: app.smith.family",
    );
    expect(unused(entra)).toEqual([
      "13:5 auth.oauth.tenantId: has no effect: issuerUrl is set and wins; the tenant ID only derives the issuer URL",
      "16:5 auth.oauth.mobileRedirectHost: has no effect: mobileRedirect is off, so Immich serves no mobile relay",
    ]);
    const composeWithoutTraefik = (text: string) => text.replace(/ {2}kubernetes:\n(?: {4}.*\n)+/, "");
    const noRelay = edit(BASE_SPEC, "    preset: google", "    preset: google\n    mobileRedirect: false");
    expect(unused(composeWithoutTraefik(noRelay))).toEqual([
      "9:3 hosts.mobile: has no effect: only the Kubernetes ingress, Traefik's routers on the compose target, and the OAuth mobile relay use it, and none is declared",
    ]);
    expect(unused(composeWithoutTraefik(BASE_SPEC))).toEqual([]);
    expect(unused(noRelay)).toEqual([]);
  });

  it("says nothing about member fields, which members sync now applies", () => {
    const member =
      "    admin: true\n    quota: 500Gi\n    storageLabel: ann\n    password: ${ANN_PASSWORD}\n    preferences: { folders: true }\n    partners: [bob]";
    expect(unused(edit(BASE_SPEC, "    admin: true", member))).toEqual([]);
  });

  it("warns at album rules, worker rescans and API keys when the worker is off", () => {
    const text = edit(
      edit(BASE_SPEC, "    email: bob@smith.family", "    email: bob@smith.family\n    apiKey: ${BOB_KEY}"),
      "database:",
      "worker:\n  enabled: false\ndatabase:",
    );
    expect(unused(text)).toEqual([
      "30:5 libraries.photos.albums: has no effect: worker.enabled is false, so nothing builds these albums",
      "26:3 libraries.photos.rescan.by: worker: worker.enabled is false, so nothing rescans this library; enable the worker or use by: immich",
      "24:5 members.bob.apiKey: has no effect: worker.enabled is false, and only the worker uses members' API keys",
    ]);
  });

  it("warns at member syncs of a worker that is off, and not at the key of a member with partners", () => {
    const text = edit(
      edit(BASE_SPEC, "    email: bob@smith.family", "    email: bob@smith.family\n    apiKey: ${BOB_KEY}\n    partners: [ann]"),
      "database:",
      "worker:\n  enabled: false\n  members: { interval: 1m }\ndatabase:",
    );
    expect(unused(text).filter((l) => l.includes("members"))).toEqual([
      "36:3 worker.members: has no effect: worker.enabled is false; `immich-family members sync` keeps the family's accounts by hand",
    ]);
  });

  it("warns at a rescan cron of a library the worker rescans, and at an interval of one Immich rescans", () => {
    const rescan = (r: string) => unused(edit(BASE_SPEC, '    exclusionPatterns: ["**/raw/**"]', `    exclusionPatterns: ["**/raw/**"]\n    rescan: ${r}`));
    expect(rescan("{ by: worker, cron: '0 4 * * *' }")).toEqual([
      "29:27 libraries.photos.rescan.cron: has no effect: this library is rescanned by worker; the cron applies only with by: immich",
    ]);
    expect(rescan("{ by: immich, interval: 1m }")).toEqual([
      "29:27 libraries.photos.rescan.interval: has no effect: this library is rescanned by immich; the interval applies only with by: worker",
    ]);
    expect(rescan("{ by: worker, interval: 1m }")).toEqual([]);
  });

  it("warns at machine-learning settings when machine learning is off", () => {
    const text = edit(BASE_SPEC, "database:", "machineLearning:\n  enabled: false\n  acceleration: cuda\n  resources: { limits: { memory: 4Gi } }\ndatabase:");
    expect(unused(text)).toEqual([
      "34:3 machineLearning.acceleration: has no effect: machineLearning.enabled is false",
      "35:3 machineLearning.resources: has no effect: machineLearning.enabled is false",
    ]);
  });

  it("warns at target fields their target ignores", () => {
    const text = edit(
      edit(
        BASE_SPEC,
        "        nfs: { server: nas.lan, share: /volume1/photos }",
        "        nfs: { server: nas.lan, share: /volume1/photos }\n    ingress:\n      className: nginx\n      pomerium: { allowedDomains: [smith.family] }\n    networkPolicies: { monitoringNamespace: monitoring }",
      ),
      "      photos: { hostPath: /srv/photos }",
      "      photos: { hostPath: /srv/photos }\n    backup:\n      enabled: false\n      notify: { email: { from: b@smith.family, to: [ann@smith.family], smtp: { host: smtp.smith.family } } }",
    );
    expect(unused(text)).toEqual([
      "42:19 targets.kubernetes.ingress.pomerium.allowedDomains: has no effect: ingress.className is nginx, and only Pomerium reads ingress.pomerium.io annotations",
      "43:24 targets.kubernetes.networkPolicies.monitoringNamespace: has no effect: database.podMonitor is false, so no metrics port is opened",
      "52:7 targets.compose.backup.notify: has no effect: backup.enabled is false",
    ]);
  });
});
