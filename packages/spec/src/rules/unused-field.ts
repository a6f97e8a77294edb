import { mobileRelayHost, oauthMobileRedirect } from "../derive.js";
import type { SpecPath } from "../loader-diagnostic.js";
import type { ImmichFamilySpec } from "../schema/spec.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

// Defaults of the fields checked here: a field left at its default has nothing to say.
const DEFAULT = {
  rescanCron: "0 0 * * *",
  rescanInterval: "5m",
  databasePassword: "DB_PASSWORD",
  workerApiKey: "IMMICH_API_KEY",
  workerDebounce: "30s",
  memberInterval: "5m",
  memberDeepInterval: "24h",
  passphrase: "DB_ENC_PASSPHRASE",
  retention: "48h",
};

/**
 * Fields the spec accepts that a declared target would not use: each gets a warning that says why,
 * so nobody believes a setting is in force when nothing reads it. Fields at their default are left alone.
 */
export const unusedField: SpecRule = {
  name: "unused-field",
  needs: ["metadata", "hosts", "auth", "members", "libraries", "machineLearning", "database", "worker", "targets"],
  description: "Warns about fields that have no effect on the declared targets (e.g. database.password on Kubernetes, album rules with the worker off).",
  check: (spec) => {
    const out: RuleFinding[] = [];
    const warn = (path: SpecPath, message: string) => out.push({ path, message, severity: "warning", anchor: "key" });
    const k8s = spec.targets.kubernetes;
    const compose = spec.targets.compose;

    if (k8s && spec.database.password.key !== DEFAULT.databasePassword) {
      warn(
        ["database", "password"],
        `has no effect on the kubernetes target: CloudNativePG generates the app role's password (Secret ${spec.metadata.name}-postgres-app)${compose ? "; only the compose target reads it" : ""}`,
      );
    }
    const oauth = spec.auth.oauth;
    if (oauth?.preset === "entra" && oauth.tenantId !== undefined && oauth.issuerUrl !== undefined) {
      warn(["auth", "oauth", "tenantId"], "has no effect: issuerUrl is set and wins; the tenant ID only derives the issuer URL");
    }
    if (oauth && !oauthMobileRedirect(oauth) && oauth.mobileRedirectHost !== undefined) {
      warn(["auth", "oauth", "mobileRedirectHost"], "has no effect: mobileRedirect is off, so Immich serves no mobile relay");
    }
    const relayOnMobile = oauth !== undefined && oauthMobileRedirect(oauth) && mobileRelayHost(spec) === spec.hosts.mobile;
    if (spec.hosts.mobile !== undefined && !k8s && !compose?.traefik && !relayOnMobile) {
      warn(
        ["hosts", "mobile"],
        "has no effect: only the Kubernetes ingress, Traefik's routers on the compose target, and the OAuth mobile relay use it, and none is declared",
      );
    }
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      const { by, cron, interval } = lib.rescan;
      if (by !== "immich" && cron !== DEFAULT.rescanCron)
        warn(["libraries", handle, "rescan", "cron"], `has no effect: this library is rescanned by ${by}; the cron applies only with by: immich`);
      if (by !== "worker" && interval !== DEFAULT.rescanInterval)
        warn(["libraries", handle, "rescan", "interval"], `has no effect: this library is rescanned by ${by}; the interval applies only with by: worker`);
      if (!spec.worker.enabled) {
        if (lib.albums) warn(["libraries", handle, "albums"], "has no effect: worker.enabled is false, so nothing builds these albums");
        if (by === "worker")
          warn(["libraries", handle, "rescan", "by"], "worker: worker.enabled is false, so nothing rescans this library; enable the worker or use by: immich");
      }
    }
    if (!spec.worker.enabled) {
      if (spec.worker.image !== undefined)
        warn(["worker", "image"], "has no effect on the worker: worker.enabled is false (the init steps still run this image)");
      if (spec.worker.debounce !== DEFAULT.workerDebounce) warn(["worker", "debounce"], "has no effect: worker.enabled is false");
      const { interval, deepInterval } = spec.worker.members;
      if (interval !== DEFAULT.memberInterval || deepInterval !== DEFAULT.memberDeepInterval)
        warn(["worker", "members"], "has no effect: worker.enabled is false; `immich-family members sync` keeps the family's accounts by hand");
      if (spec.worker.apiKey.key !== DEFAULT.workerApiKey) warn(["worker", "apiKey"], "has no effect: worker.enabled is false");
      for (const [handle, member] of Object.entries(spec.members)) {
        // `members sync` makes a member's partner shares with it, worker or not.
        if (member.apiKey && !member.partners?.length)
          warn(["members", handle, "apiKey"], "has no effect: worker.enabled is false, and only the worker uses members' API keys");
      }
    }
    const ml = spec.machineLearning;
    if (!ml.enabled) {
      if (ml.acceleration !== "cpu") warn(["machineLearning", "acceleration"], "has no effect: machineLearning.enabled is false");
      if (ml.resources) warn(["machineLearning", "resources"], "has no effect: machineLearning.enabled is false");
    }
    if (k8s) checkKubernetes(spec, k8s, warn);
    if (compose) checkCompose(spec, compose, warn);
    return out;
  },
};

type Warn = (path: SpecPath, message: string) => void;

function checkKubernetes(spec: ImmichFamilySpec, k8s: NonNullable<ImmichFamilySpec["targets"]["kubernetes"]>, warn: Warn) {
  const at = (...path: SpecPath) => ["targets", "kubernetes", ...path];
  if (!spec.worker.enabled) {
    if (k8s.worker.nodeSelector || k8s.worker.tolerations) warn(at("worker"), "has no effect: worker.enabled is false");
    if (k8s.resources.worker) warn(at("resources", "worker"), "has no effect: worker.enabled is false");
  }
  if (k8s.ingress.className !== "pomerium") {
    for (const key of ["allowedDomains", "allowedUsers", "policy"] as const) {
      if (k8s.ingress.pomerium[key] !== undefined)
        warn(
          at("ingress", "pomerium", key),
          `has no effect: ingress.className is ${k8s.ingress.className}, and only Pomerium reads ingress.pomerium.io annotations`,
        );
    }
  }
  const np = k8s.networkPolicies;
  if (np.monitoringNamespace !== undefined && (!np.enabled || !k8s.database.podMonitor)) {
    warn(
      at("networkPolicies", "monitoringNamespace"),
      np.enabled ? "has no effect: database.podMonitor is false, so no metrics port is opened" : "has no effect: networkPolicies.enabled is false",
    );
  }
  if (!np.enabled && (np.ingressNamespace !== "pomerium" || np.operatorNamespace !== "cnpg-system"))
    warn(at("networkPolicies"), "namespaces have no effect: networkPolicies.enabled is false");
  // A plugin name with volumeSnapshot backups: the kubernetes-backup rule says so.
}

function checkCompose(spec: ImmichFamilySpec, compose: NonNullable<ImmichFamilySpec["targets"]["compose"]>, warn: Warn) {
  const at = (...path: SpecPath) => ["targets", "compose", ...path];
  const b = compose.backup;
  if (!b.enabled) {
    if (b.retention !== DEFAULT.retention) warn(at("backup", "retention"), "has no effect: backup.enabled is false");
    if (b.notify) warn(at("backup", "notify"), "has no effect: backup.enabled is false");
    if (compose.paths.backups !== "./backups/db-backup") warn(at("paths", "backups"), "has no effect: backup.enabled is false");
  }
  if ((!b.enabled || !b.encrypt) && b.passphrase.key !== DEFAULT.passphrase)
    warn(at("backup", "passphrase"), `has no effect: backup.${b.enabled ? "encrypt" : "enabled"} is false`);
  const smtp = b.notify?.email?.smtp;
  if (smtp?.user && !smtp.password)
    warn(at("backup", "notify", "email", "smtp", "user"), "has no effect without smtp.password: the backup logs in only when a password is set");
  if (!spec.machineLearning.enabled && compose.paths.modelCache !== "./data/model-cache")
    warn(at("paths", "modelCache"), "has no effect: machineLearning.enabled is false");
  if (!compose.metricsExporter.enabled && compose.metricsExporter.image !== "quay.io/prometheuscommunity/postgres-exporter:v0.18.1") {
    warn(at("metricsExporter", "image"), "has no effect: metricsExporter.enabled is false");
  }
}
