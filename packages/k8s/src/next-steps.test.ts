import { describe, expect, test } from "vitest";
import { exampleSpec, specWith } from "../test/helpers.js";
import { kubernetesNextSteps } from "./next-steps.js";

describe("kubernetesNextSteps", () => {
  test("walk from the rendered folder to a running install, in order", () => {
    expect(kubernetesNextSteps(exampleSpec("ponder"), "deploy")).toEqual([
      "Once per cluster, install the CloudNativePG operator, the pomerium ingress controller, cert-manager with the ClusterIssuer letsencrypt-prod, an NFS client on every node (the libraries are NFS volumes).",
      "Copy deploy/secrets.env.example to deploy/secrets.env and fill in every key; keep it out of git (kustomize reads it from there).",
      "Apply: kubectl apply -k deploy",
      'Watch the database come up: kubectl -n immich get cluster ponder-postgres -w (until "Cluster in healthy state"), then kubectl -n immich rollout status deployment/ponder-server.',
      "First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: kubectl -n immich port-forward service/ponder-server 2283:2283, open http://127.0.0.1:2283 and finish the onboarding wizard (the Ingresses refuse Immich's sign-up from outside), or give members.ponder.password and run IMMICH_URL=http://127.0.0.1:2283 immich-family bootstrap through it. Then open https://immich.uu.am.",
    ]);
  });

  test("the first admin: the worker signs up a first admin with a password; no step says the first account becomes the admin", () => {
    const spec = specWith("ponder", (s) => {
      s.members.ponder.password = "${PONDER_PASSWORD}";
    });
    const last = kubernetesNextSteps(spec, "deploy").at(-1);
    expect(last).toContain("an install that already has its users (adopted, members imported) has none to make");
    expect(last).toContain(
      "A fresh install: the worker signs up ponder with members.ponder.password when it starts (or, through kubectl -n immich port-forward service/ponder-server 2283:2283, run IMMICH_URL=http://127.0.0.1:2283 immich-family bootstrap)",
    );
    const noWorker = specWith("ponder", (s) => {
      s.members.ponder.password = "${PONDER_PASSWORD}";
      s.worker = { enabled: false };
    });
    expect(kubernetesNextSteps(noWorker, "deploy").at(-1)).not.toContain("the worker signs up");
    for (const s of [spec, noWorker]) expect(kubernetesNextSteps(s, "deploy").join("\n")).not.toMatch(/first account/);
  });

  test("an existing Secret is created by hand, and a plugin backup needs its plugin", () => {
    const spec = specWith("ponder", (s) => {
      s.targets.kubernetes.secrets = { existingSecret: "family-secrets" };
      s.targets.kubernetes.database.backup = {
        schedule: "0 0 3 * * *",
        method: "plugin",
        pluginName: "barman-cloud.cloudnative-pg.io",
        pluginParameters: { barmanObjectName: "family-store" },
      };
    });
    const steps = kubernetesNextSteps(spec, "deploy");
    expect(steps[0]).toContain("the CloudNativePG operator, its backup plugin barman-cloud.cloudnative-pg.io, ");
    expect(steps[1]).toBe("Create the Secret family-secrets in the namespace immich with every key listed in deploy/secrets.env.example.");
  });
});
