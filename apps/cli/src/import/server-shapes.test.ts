import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { immichConfigDefaults, immichLine } from "@family/immich-spec";
import { afterEach, describe, expect, it } from "vitest";
import { runImport } from "../commands/import.js";

let server: Server | undefined;
afterEach(() => server?.close());

/** A server that answers Immich's routes with `bodies` (as JSON), whatever their shape. */
async function serve(bodies: Record<string, unknown>): Promise<string> {
  server = createServer((req, res) => {
    const body = bodies[(req.url ?? "").replace(/\?.*$/, "")];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { message: "Not Found", statusCode: 404 }));
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("import --server: an answer of the wrong shape", () => {
  it("lists the users and libraries it cannot read as not mapped, and imports the rest", async () => {
    const defaults = immichConfigDefaults(immichLine({ immich: { version: "v3.1.0" } }));
    const url = await serve({
      "/api/server/version": { major: 3, minor: 1, patch: 0 },
      "/api/admin/users": [
        { id: "1", name: "Ann", email: "ann@example.com", isAdmin: true, quotaSizeInBytes: null },
        { id: "2", name: 5, email: ["bob@example.com"] },
        "not a user",
        { id: "3", name: "Cy", email: "cy@example.com", quotaSizeInBytes: "lots" },
      ],
      "/api/libraries": [
        { id: "l1", name: "Photos", ownerId: "1", importPaths: ["/mnt/photos", 7], exclusionPatterns: "**/raw/**" },
        { id: "l2", name: { x: 1 }, ownerId: 9, importPaths: "/mnt/x" },
        { id: "l3", name: "Scans", ownerId: "1", importPaths: ["/mnt/scans"], exclusionPatterns: ["[a", "**/raw/**"] },
      ],
      "/api/system-config": defaults,
      "/api/system-config/defaults": defaults,
    });
    const { spec, unmapped } = await runImport({ server: url, apiKey: "k" });
    expect(Object.keys(spec.members)).toEqual(["ann", "cy"]);
    expect(spec.members.cy?.quota).toBeUndefined();
    expect(spec.libraries.photos?.path).toBe("/mnt/photos");
    // A list item the spec refuses takes its list with it, said why; the library stays.
    expect(spec.libraries.scans?.exclusionPatterns).toEqual([]);
    expect(unmapped.some((u) => u.startsWith('libraries.scans.exclusionPatterns: ["[a","**/raw/**"] is not valid in a spec ('))).toBe(true);
    expect(unmapped).toEqual(
      expect.arrayContaining([
        "server.users[1].name: expected text, got the number 5; not mapped",
        "server.users[1].email: expected text, got a list; not mapped",
        "server.users[2]: expected a mapping, got text; not mapped",
        "server.users[3].quotaSizeInBytes: expected a number, got text; not mapped",
        "server.libraries[0].importPaths[1]: expected text, got the number 7; not mapped",
        "server.libraries[0].exclusionPatterns: expected a list, got text; not mapped",
        "server.libraries[1].ownerId: expected text, got the number 9; not mapped",
      ]),
    );
  });
});
