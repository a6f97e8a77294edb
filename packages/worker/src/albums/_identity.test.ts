import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FolderIndex } from "./_folders.js";
import { fingerprint, identity, identityOf, matchMoves } from "./_identity.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("a file's identity", () => {
  it("is its size and whole-millisecond mtime, never 0; another size or mtime is another file", () => {
    expect(identity(1234, 1_700_000_000_123.4)).toBe(identity(1234, 1_700_000_000_123.9));
    expect(identity(1234, 1_700_000_000_123)).not.toBe(identity(1235, 1_700_000_000_123));
    expect(identity(1234, 1_700_000_000_123)).not.toBe(identity(1234, 1_700_000_000_124));
    expect(identity(0, 0)).toBeGreaterThan(0);
    expect(Number.isSafeInteger(identity(2 ** 40, 2 ** 42))).toBe(true);
  });

  it("is looked at once per asset: new ones only, none under a missing root, 0 for a file that is not there", async () => {
    dir = mkdtempSync(join(tmpdir(), "identity-"));
    writeFileSync(join(dir, "a.jpg"), "aaa");
    utimesSync(join(dir, "a.jpg"), 1_700_000_000, 1_700_000_000);
    const index = FolderIndex.of([
      { id: "a", originalPath: join(dir, "a.jpg") },
      { id: "gone", originalPath: join(dir, "gone.jpg") },
      { id: "far", originalPath: "/nfs/down/x.jpg" },
    ]);
    expect(await fingerprint(index, ["/nfs/down"])).toBe(2);
    expect(index.identOf(dir, "a")).toBe(identity(3, 1_700_000_000_000));
    expect(index.identOf(dir, "a")).toBe(await identityOf(join(dir, "a.jpg")));
    expect(index.identOf(dir, "gone")).toBe(0);
    expect(index.identOf("/nfs/down", "far")).toBeNaN();
    expect(await fingerprint(index, ["/nfs/down"])).toBe(0);
  });
});

describe("moves", () => {
  it("pair each new asset with a gone one of the same identity, the same name first, each gone asset once", () => {
    const index = new FolderIndex();
    const put = (id: string, path: string, ident: number) => {
      index.put(id, path, undefined);
      const f = index.folders.get(path.slice(0, path.lastIndexOf("/")))!;
      f.ident[f.ident.length - 1] = ident;
    };
    put("n1", "/lib/Italy/a.jpg", 7);
    put("n2", "/lib/Italy/b.jpg", 7);
    put("n3", "/lib/Italy/c.jpg", 9);
    put("n4", "/lib/Trip/d.jpg", 11);
    put("n5", "/lib/Paris/r.jpg", 13);
    put("n6", "/lib/Paris/IMG_2.jpg", 17);
    const gone = [
      { id: "o2", folder: "/lib/Trip", name: "b.jpg", ident: 7 },
      { id: "o1", folder: "/lib/Trip", name: "a.jpg", ident: 7 },
      { id: "o3", folder: "/lib/Trip", name: "c.jpg", ident: 0 },
      { id: "o4", folder: "/lib/Trip", name: "x.jpg", ident: 11 },
      { id: "o5", folder: "/lib/Trip", name: "p.jpg", ident: 13 },
      { id: "o6", folder: "/lib/Trip", name: "q.jpg", ident: 13 },
      { id: "o7", folder: "/lib/Trip", name: "IMG_1.jpg", ident: 17 },
    ];
    const added = ["n1", "n2", "n3", "n4", "n5", "n6"].map((id) => ({
      id,
      originalPath: [...index.folders].flatMap(([f]) => [...index.assetsOf(f)]).find((a) => a.id === id)!.originalPath,
    }));
    // o3 was never looked at (0): no pair. n4 is the same file renamed in its own folder: not a move of folder.
    // n5 shares its identity with two gone files of other names: which one is unknown, it stays new.
    // n6 and o7 are alone with their identity: a file renamed as it moved.
    expect(matchMoves(index, added, gone)).toEqual([
      { from: { id: "o1", folder: "/lib/Trip" }, to: { id: "n1", folder: "/lib/Italy" } },
      { from: { id: "o2", folder: "/lib/Trip" }, to: { id: "n2", folder: "/lib/Italy" } },
      { from: { id: "o7", folder: "/lib/Trip" }, to: { id: "n6", folder: "/lib/Paris" } },
    ]);
  });
});
