import { describe, expect, it } from "vitest";
import type { AlbumPropsFile } from "./albumprops.js";
import { resolveAlbumProperties } from "./albumprops-inherit.js";

const users: Record<string, string> = { alice: "alice@x", "alice@x": "alice@x", bob: "bob@x", "bob@x": "bob@x", carol: "carol@x" };
const resolveUser = (u: string) => users[u.toLowerCase()];
const file = (props: Partial<AlbumPropsFile>): AlbumPropsFile => ({ file: "f", inherit: false, ...props });
const resolve = (base: Parameters<typeof resolveAlbumProperties>[0], ...chain: [Partial<AlbumPropsFile>, boolean][]) =>
  resolveAlbumProperties(
    base,
    chain.map(([p, own]) => ({ props: file(p), own })),
    resolveUser,
  );
const shares = (r: ReturnType<typeof resolve>) => Object.fromEntries(r.shareWith);

// The inheritance table of the module doc and README, row by row.
describe("resolveAlbumProperties", () => {
  it("row: the spec's rules are the base layer", () => {
    const r = resolve({ shareWith: [{ user: "alice", role: "editor" }], sortOrder: "asc" });
    expect(shares(r)).toEqual({ "alice@x": "editor" });
    expect(r.sortOrder).toBe("asc");
  });

  it("row: an ancestor applies only with inherit: true", () => {
    const parent = { sortOrder: "asc" as const, shareWith: [{ user: "bob", role: "viewer" as const }] };
    expect(resolve({}, [parent, false], [{}, true]).sortOrder).toBeUndefined();
    expect(shares(resolve({}, [{ ...parent, inherit: true }, false], [{}, true]))).toEqual({ "bob@x": "viewer" });
  });

  it("row: inherit_properties limits what an ancestor passes down", () => {
    const r = resolve(
      {},
      [{ inherit: true, inheritProperties: ["sortOrder"], sortOrder: "asc", description: "parent", shareWith: [{ user: "bob", role: "editor" }] }, false],
      [{}, true],
    );
    expect(r.sortOrder).toBe("asc");
    expect(r.description).toBeUndefined();
    expect(shares(r)).toEqual({});
  });

  it("row: the album folder's own file applies whatever its inherit says", () => {
    expect(resolve({}, [{ description: "own", inherit: false }, true]).description).toBe("own");
  });

  it("the nearest folder wins, not the root-most", () => {
    const r = resolve(
      { sortOrder: "desc" },
      [{ inherit: true, sortOrder: "asc", description: "root" }, false],
      [{ inherit: true, description: "middle" }, false],
      [{}, true],
    );
    expect(r.description).toBe("middle");
    expect(r.sortOrder).toBe("asc");
  });

  it("share_with merges per user and the nearest layer decides each user's role", () => {
    const r = resolve(
      {
        shareWith: [
          { user: "alice", role: "viewer" },
          { user: "carol", role: "viewer" },
        ],
      },
      [
        {
          inherit: true,
          shareWith: [
            { user: "alice@x", role: "editor" },
            { user: "bob", role: "viewer" },
          ],
        },
        false,
      ],
      [{ shareWith: [{ user: "bob", role: "editor" }] }, true],
    );
    expect(shares(r)).toEqual({ "alice@x": "editor", "bob@x": "editor", "carol@x": "viewer" });
  });

  it("none removes a user the spec and an ancestor share with", () => {
    const r = resolve(
      { shareWith: [{ user: "alice", role: "editor" }] },
      [{ inherit: true, shareWith: [{ user: "alice", role: "editor" }] }, false],
      [{ shareWith: [{ user: "alice@x", role: "none" }] }, true],
    );
    expect(shares(r)).toEqual({});
  });

  it("an inherited none stays none (never becomes viewer)", () => {
    const r = resolve(
      { shareWith: [{ user: "bob", role: "viewer" }] },
      [{ inherit: true, shareWith: [{ user: "bob", role: "none" }] }, false],
      [{ description: "child" }, true],
    );
    expect(shares(r)).toEqual({});
  });

  it("a nearer folder can share again with a user a farther one removed", () => {
    const r = resolve({}, [{ inherit: true, shareWith: [{ user: "bob", role: "none" }] }, false], [{ shareWith: [{ user: "bob", role: "viewer" }] }, true]);
    expect(shares(r)).toEqual({ "bob@x": "viewer" });
  });

  it("override_name is never inherited; a middle inherit: false does not block the root", () => {
    const r = resolve({}, [{ inherit: true, overrideName: "Root", description: "root" }, false], [{ inherit: false, description: "mid" }, false], [{}, true]);
    expect(r.overrideName).toBeUndefined();
    expect(r.description).toBe("root");
    expect(resolve({}, [{ overrideName: "Mine" }, true]).overrideName).toBe("Mine");
  });

  it("reports users no member or server user matches", () => {
    const r = resolve({}, [
      {
        shareWith: [
          { user: "mallory", role: "viewer" },
          { user: "alice", role: "viewer" },
        ],
      },
      true,
    ]);
    expect(r.unknownUsers).toEqual(["mallory"]);
    expect(shares(r)).toEqual({ "alice@x": "viewer" });
  });
});
