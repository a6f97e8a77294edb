import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testSpec } from "../../test/helpers.js";
import { runDoctor } from "./run-doctor.js";

// A made-up v4 line added to the spec's release table in memory (v3's entry with major 4): doctor's
// version check must follow the table, with nothing of doctor's own changed.
vi.mock("../../../spec/src/releases/lines.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../spec/src/releases/lines.js")>();
  const v3 = real.IMMICH_LINES[real.IMMICH_LINES.length - 1];
  return { ...real, IMMICH_LINES: [...real.IMMICH_LINES, { ...v3, major: 4, newest: "v4.0.0", breaking: [] }] };
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  server = undefined;
});

/** A server that answers its ping and its version, and 404 to everything else. */
async function serverAt(version: string): Promise<string> {
  const [major, minor, patch] = version.slice(1).split(".").map(Number);
  const answers: Record<string, unknown> = { "/api/server/ping": { res: "pong" }, "/api/server/version": { major, minor, patch } };
  server = createServer((req, res) => {
    const body = answers[req.url ?? ""];
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { message: "Not Found" }));
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

const versionCheck = async (running: string, pinned: string) => {
  const report = await runDoctor({ spec: testSpec({}, { immich: { version: pinned } }), url: await serverAt(running), apiKey: "k", env: {} });
  return report.checks.find((c) => c.check === "server version");
};

describe("doctor's version check follows the release table (a made-up v4 line, in memory)", () => {
  it("passes a v4 server the spec pins, warns across lines, and fails past the newest line naming the new range", async () => {
    expect(await versionCheck("v4.0.0", "v4.0.0")).toEqual({ check: "server version", status: "pass", detail: "v4.0.0 (spec pins v4.0.0)" });
    expect(await versionCheck("v4.1.0", "v3.1.0")).toEqual({
      check: "server version",
      status: "warn",
      detail: "v4.1.0, but the spec pins v3.1.0: render for the server's line",
    });
    expect(await versionCheck("v5.0.0", "v4.0.0")).toEqual({ check: "server version", status: "fail", detail: "v5.0.0 is not supported (v2.x, v3.x or v4.x)" });
  });
});
