import { immichCronProblem } from "../immich-config/cron.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

export const immichCron: SpecRule = {
  name: "immich-cron",
  description: "A library rescanned by Immich has a cron expression the server accepts (a bad one in the config file stops it at start-up).",
  needs: ["libraries"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      if (lib.rescan.by !== "immich") continue;
      const problem = immichCronProblem(lib.rescan.cron);
      if (problem) out.push({ path: ["libraries", handle, "rescan", "cron"], message: `Immich would refuse this cron at start-up: ${problem}` });
    }
    const crons = new Set(
      Object.values(spec.libraries)
        .filter((l) => l.rescan.by === "immich")
        .map((l) => l.rescan.cron.trim()),
    );
    if (crons.size > 1) {
      const [first] = Object.entries(spec.libraries).filter(([, l]) => l.rescan.by === "immich");
      out.push({
        path: ["libraries"],
        anchor: "key",
        severity: "warning",
        message: `Immich has one scan schedule for all libraries; the libraries rescanned by immich use ${crons.size} different crons, so the first (${first?.[0]}: ${first?.[1].rescan.cron}) applies to all`,
      });
    }
    return out;
  },
};
