import { describe, expect, it } from "vitest";
import { compareVersions, parseVersion } from "./release-line.js";
import { lineOf, newestSupportedRelease } from "./line-of.js";
import { IMMICH_LINES } from "./lines.js";
import { EVERY_UPGRADE_STEPS, planUpgrade, REQUIRED_STOPS } from "./upgrade-plan.js";

describe("the release table", () => {
  it("has one entry per line, oldest first, each with its newest release in that line", () => {
    expect(IMMICH_LINES.map((l) => l.major)).toEqual([2, 3]);
    for (const line of IMMICH_LINES) expect(parseVersion(line.newest)?.[0]).toBe(line.major);
  });

  it("says for every breaking change what changed, what the tool does about it, and where the fact comes from", () => {
    for (const line of IMMICH_LINES) {
      for (const c of line.breaking) {
        expect(c.change.length, JSON.stringify(c)).toBeGreaterThan(10);
        expect(c.handling.length, JSON.stringify(c)).toBeGreaterThan(10);
        expect(c.source.length, JSON.stringify(c)).toBeGreaterThan(5);
      }
    }
  });

  it("knows the v2 → v3 changes the worker and the config renderer depend on", () => {
    const v3 = lineOf("v3.1.0");
    const text = v3?.breaking.map((c) => `${c.area}: ${c.change}`).join("\n");
    for (const fact of [
      /config: .*`libopus` is now `opus`/,
      /config: 16 keys added/,
      /config: cron expressions are checked even when their job is disabled/,
      /config: `machineLearning.urls: \[\]` is fatal/,
      /config: a URL without a scheme/,
      /config: numbers written as strings/,
      /api: albums: the `shared` query parameter is now `isShared`/,
      /api: albums: responses lost `owner`, `ownerId` and `assets`/,
      /api: libraries: PUT \/libraries\/\{id\} is deprecated for PATCH/,
      /env: IMMICH_MACHINE_LEARNING_ENABLED is gone/,
      /env: DB_VECTOR_EXTENSION=pgvecto.rs is fatal/,
      /database: pgvecto.rs support is removed/,
    ]) {
      expect(text).toMatch(fact);
    }
    expect(v3?.mobileApp.minimum).toBe("v3.0.0");
    expect(v3?.database.vectorChord).toMatch(/^>=0.3.0 <2.0.0/);
  });

  it("pins new specs to the newest release of the newest supported line", () => {
    expect(newestSupportedRelease()).toBe("v3.1.0");
  });

  it("suggests, for every required stop, a release inside the window it asks for", () => {
    for (const s of REQUIRED_STOPS) {
      expect(compareVersions(s.stop, s.below), s.stop).toBeGreaterThanOrEqual(0);
      expect(compareVersions(s.stop, s.before), s.stop).toBeLessThan(0);
    }
  });
});

describe("planUpgrade", () => {
  it("v2.7.5 → v3.1.0: the v3 line's changes, the backup first, then v3's own steps", () => {
    const plan = planUpgrade("v2.7.5", "v3.1.0");
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.lines.map((l) => l.line.major)).toEqual([3]);
    expect(plan.target.major).toBe(3);
    expect(plan.notes).toEqual([]);
    expect(plan.manualSteps[0]).toMatch(/^Back up the database first/);
    const v3 = lineOf("v3.0.0")?.manualSteps;
    expect(plan.manualSteps).toEqual([EVERY_UPGRADE_STEPS[0], ...(v3?.before ?? []), ...EVERY_UPGRADE_STEPS.slice(1), ...(v3?.after ?? [])]);
    expect(plan.manualSteps[1]).toMatch(/^Make sure the database uses VectorChord/);
    expect(plan.manualSteps.at(-2)).toMatch(/^Update the mobile apps to v3.x/);
  });

  it("within a line: no line changes, only the steps of every upgrade", () => {
    const plan = planUpgrade("2.5.0", "v2.7.5");
    expect(plan).toMatchObject({ ok: true, from: "v2.5.0", to: "v2.7.5", lines: [], manualSteps: EVERY_UPGRADE_STEPS });
  });

  it("refuses a downgrade, and says how to go back", () => {
    const plan = planUpgrade("v3.1.0", "v2.7.5");
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.reason).toBe(
      "v2.7.5 is older than v3.1.0: Immich migrates its database forward at start and cannot run on a database a newer release migrated. To go back, restore the database backup taken before the upgrade, then pin v2.7.5 by hand",
    );
    expect(planUpgrade("v3.1.0", "v3.0.3").ok).toBe(false);
  });

  it("refuses a line it does not know, and suggests the newest it knows", () => {
    expect(planUpgrade("v3.1.0", "v4.0.0")).toMatchObject({
      ok: false,
      suggestion: "v3.1.0",
      reason: expect.stringMatching(/^v4.0.0 is in a release line this tool does not know \(it knows v2.x and v3.x\)/),
    });
  });

  it("refuses the same version", () => {
    expect(planUpgrade("v2.7.5", "v2.7.5")).toMatchObject({ ok: false, reason: "the spec already pins v2.7.5" });
  });

  it("refuses jumps over a required release, one stop at a time", () => {
    expect(planUpgrade("v1.100.0", "v3.1.0")).toMatchObject({ ok: false, suggestion: "v1.107.2" });
    expect(planUpgrade("v1.120.0", "v3.1.0")).toMatchObject({ ok: false, suggestion: "v1.132.3", reason: expect.stringContaining("TypeORM") });
    const pgvectors = planUpgrade("v1.132.3", "v3.1.0");
    expect(pgvectors).toMatchObject({ ok: false, suggestion: "v2.7.5" });
    if (!pgvectors.ok) expect(pgvectors.reason).toMatch(/^v1.132.3 cannot go straight to v3.1.0: v3 removed pgvecto.rs/);
    expect(planUpgrade("v1.132.3", "v2.7.5")).toMatchObject({ ok: true, notes: [expect.stringMatching(/^v1.132.3 is older than the lines this tool knows/)] });
    expect(planUpgrade("v2.0.0", "v3.1.0").ok).toBe(true);
  });

  it("goes past the newest known release with a note that its changes are unknown", () => {
    const plan = planUpgrade("v3.1.0", "v3.2.0");
    expect(plan).toMatchObject({ ok: true, lines: [] });
    if (plan.ok) expect(plan.notes[0]).toMatch(/^v3.2.0 is newer than the newest v3.x release this tool knows \(v3.1.0\)/);
  });

  it("rejects a target that is not a version", () => {
    expect(planUpgrade("v2.7.5", "latest")).toMatchObject({ ok: false, reason: "latest is not a release version such as v3.1.0" });
  });
});
