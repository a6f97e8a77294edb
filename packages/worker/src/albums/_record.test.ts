import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FolderIndex } from "./_folders.js";
import { loadRecord, recordFile, saveRecord } from "./_record.js";
import { desiredAlbums, type LibraryAsset } from "./desired.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const asset = (id: string, originalPath: string, fileCreatedAt?: string, visibility = "timeline"): LibraryAsset => ({
  id,
  originalPath,
  ...(fileCreatedAt ? { fileCreatedAt } : {}),
  visibility,
});
const listed = (index: FolderIndex) =>
  [...index.folders.keys()].sort().flatMap((f) => [...index.assetsOf(f)].map((a) => [a.id, a.originalPath, a.taken, a.visibility]).sort());

describe("the asset index", () => {
  it("folds assets into their folders as they come: new, changed (date or visibility), the same again, removed", () => {
    const index = new FolderIndex();
    expect(index.put("a", "/lib/2024/x.jpg", "2024-01-01T00:00:00.000Z")).toBe("added");
    expect(index.put("b", "/lib/2024/y.jpg", "2024-01-02T00:00:00.000Z")).toBe("added");
    expect(index.put("c", "/lib/2023/z.jpg", undefined, "archive")).toBe("added");
    expect(index.put("a", "/lib/2024/x.jpg", "2024-01-01T00:00:00.000Z")).toBe("same");
    expect(index.put("b", "/lib/2024/y.jpg", "2024-01-02T00:00:00.000Z", "archive")).toBe("changed");
    expect(index.put("a", "/lib/2024/x.jpg", "2025-01-01T00:00:00.000Z")).toBe("changed");
    expect(index.size).toBe(3);
    index.settle();
    expect(index.remove("a", "/lib/2024/x.jpg")).toBe(true);
    expect(index.remove("a", "/lib/2024/x.jpg")).toBe(false);
    expect(index.remove("c", "/lib/2023/z.jpg")).toBe(true);
    expect(index.size).toBe(1);
    expect([...index.folders.keys()]).toEqual(["/lib/2024"]);
    expect(listed(index)).toEqual([["b", "/lib/2024/y.jpg", Date.parse("2024-01-02T00:00:00.000Z"), "archive"]]);
  });

  it("keeps ids, dates and names together in a big folder through removals, packing and new files", () => {
    const index = new FolderIndex();
    for (let i = 0; i < 500; i++) index.put(`id${i}`, `/lib/big/IMG_${i}.jpg`, new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString());
    index.settle();
    for (let i = 0; i < 500; i += 3) expect(index.remove(`id${i}`, `/lib/big/IMG_${i}.jpg`)).toBe(true);
    expect(index.put("id1", "/lib/big/IMG_1.jpg", new Date(Date.UTC(2020, 0, 1) + 1000).toISOString())).toBe("same");
    expect(index.put("new", "/lib/big/new.jpg", undefined)).toBe("added");
    index.settle();
    const all = [...index.assetsOf("/lib/big")];
    expect(all).toHaveLength(334);
    for (const a of all) {
      if (a.id === "new") expect([a.originalPath, a.taken]).toEqual(["/lib/big/new.jpg", Number.NaN]);
      else expect([a.originalPath, a.taken]).toEqual([`/lib/big/IMG_${a.id.slice(2)}.jpg`, Date.UTC(2020, 0, 1) + Number(a.id.slice(2)) * 1000]);
    }
  });

  it("packs a folder's names whatever they hold; an id holding a tab (a hostile server) keeps its folder's ids a list, each id with its file", async () => {
    const index = new FolderIndex();
    index.put("a\tb", "/lib/x/line\nbreak.jpg", undefined);
    index.put("c", "/lib/x/tab\there, comma.jpg", undefined, "archive");
    index.settle();
    const f = index.folders.get("/lib/x")!;
    expect([f.names.packed, f.ids.packed]).toEqual([true, false]);
    expect(listed(index)).toEqual([
      ["a\tb", "/lib/x/line\nbreak.jpg", Number.NaN, "timeline"],
      ["c", "/lib/x/tab\there, comma.jpg", Number.NaN, "archive"],
    ]);
    // Its record cannot hold that id: it is refused when read back, and the next read is a full one.
    dir = mkdtempSync(join(tmpdir(), "record-"));
    const file = recordFile(dir, "fam");
    await saveRecord(file, { server: "s", libraryId: "l", ownerId: "o", watermark: "w", assets: index });
    expect(await loadRecord(file)).toBeUndefined();
  });
});

describe("desired albums from the asset index", () => {
  it("gives desired albums their assets by date then path (an unknown date first), with thumbnail and visibility per asset", () => {
    const assets = [
      asset("r1", "/lib/2024/Rome/b.jpg", "2024-05-02T10:00:00.000Z"),
      asset("r2", "/lib/2024/Rome/a.jpg", "2024-05-02T10:00:00.000Z"),
      asset("r3", "/lib/2024/Rome/c.jpg", "2024-05-01T10:00:00.000Z", "archive"),
      asset("r4", "/lib/2024/Rome/undated.jpg"),
      asset("s1", "/lib/2023/Summer/d.jpg", "2023-07-01T10:00:00.000Z"),
    ];
    const input = {
      rules: { levels: 1, separator: " ", rename: [], include: [], ignore: [], base: { thumbnail: "first", visibility: "archive" as const } },
      roots: ["/lib"],
      albumprops: () => undefined,
      resolveUser: (u: string) => u,
      owner: "owner@x",
    };
    const fromIndex = desiredAlbums({ ...input, assets: FolderIndex.of(assets) });
    expect(fromIndex.albums.map((a) => [a.key, a.assetIds(), a.thumbnail, a.visibilityIds])).toEqual([
      ["2023", ["s1"], "s1", ["s1"]],
      ["2024", ["r4", "r3", "r2", "r1"], "r4", ["r4", "r2", "r1"]],
    ]);
  });

  it("gives each desired album its count without touching its assets; its ids are made when first read", () => {
    const index = FolderIndex.of([
      asset("a", "/lib/2024/x/a.jpg", "2024-01-02T00:00:00.000Z"),
      asset("b", "/lib/2024/y/b.jpg", "2024-01-01T00:00:00.000Z"),
      asset("c", "/lib/2023/c.jpg"),
    ]);
    index.settle();
    const made = vi.spyOn(index, "assetsOf");
    const state = desiredAlbums({
      rules: { levels: 1, separator: " ", rename: [], include: [], ignore: [], base: {} },
      roots: ["/lib"],
      assets: index,
      albumprops: () => undefined,
      resolveUser: (u: string) => u,
      owner: "owner@x",
    });
    expect(state.albums.map((a) => [a.key, a.assetCount])).toEqual([
      ["2023", 1],
      ["2024", 2],
    ]);
    expect(made).not.toHaveBeenCalled();
    expect(state.albums[1]!.assetIds()).toEqual(["b", "a"]);
    expect(made).toHaveBeenCalledTimes(2);
    expect(state.albums[1]!.assetIds()).toBe(state.albums[1]!.assetIds());
    expect(made).toHaveBeenCalledTimes(2);
  });
});

describe("the asset record", () => {
  it("is written folder by folder and read back line by line into the same index", async () => {
    dir = mkdtempSync(join(tmpdir(), "record-"));
    const file = recordFile(dir, "fam");
    const assets = FolderIndex.of([
      asset("a1", "/lib/2024/Été à Paris/IMG 1.jpg", "2024-07-14T12:00:00.000Z"),
      asset("b1", "/lib/2023/b.jpg", "2023-01-01T00:00:00.000Z", "archive"),
      asset("a2", "/lib/2024/Été à Paris/tab\there.jpg"),
      asset("a3", "/lib/2024/Été à Paris/IMG 3.jpg", "1969-12-31T23:59:59.000Z"),
    ]);
    // What the files on disk were: known for one, looked at but unknown (0) for another, not yet looked at for the rest.
    assets.folders.get("/lib/2024/Été à Paris")!.ident[0] = 4_503_599_627_370_495;
    assets.folders.get("/lib/2023")!.ident[0] = 0;
    assets.settle();
    await saveRecord(file, { server: "http://immich/api", libraryId: "lib-1", ownerId: "u-1", watermark: "2024-08-01T00:00:00.000Z", assets });
    const lines = readFileSync(file, "utf8").split("\n");
    expect(JSON.parse(lines[0]!)).toEqual({
      version: 6,
      server: "http://immich/api",
      libraryId: "lib-1",
      ownerId: "u-1",
      watermark: "2024-08-01T00:00:00.000Z",
    });
    // Each folder once, with its count, then its columns: ids, names, dates, visibilities, identities.
    expect(lines.slice(1)).toEqual([
      "\t3\t/lib/2024/Été à Paris",
      "a1\ta2\ta3",
      "IMG 1.jpg/tab\there.jpg/IMG 3.jpg",
      `${Date.parse("2024-07-14T12:00:00.000Z")},,-1000`,
      "timeline,timeline,timeline",
      "4503599627370495,,",
      "\t1\t/lib/2023",
      "b1",
      "b.jpg",
      `${Date.parse("2023-01-01T00:00:00.000Z")}`,
      "archive",
      "0",
      "",
    ]);
    const loaded = await loadRecord(file);
    expect(loaded).toMatchObject({ server: "http://immich/api", libraryId: "lib-1", ownerId: "u-1", watermark: "2024-08-01T00:00:00.000Z" });
    expect(loaded?.assets.size).toBe(4);
    expect(listed(loaded!.assets)).toEqual(listed(assets));
    expect(loaded!.assets.folders.get("/lib/2024/Été à Paris")!.ident).toEqual([4_503_599_627_370_495, Number.NaN, Number.NaN]);
    expect(loaded!.assets.folders.get("/lib/2023")!.ident).toEqual([0]);
  });
});

describe("the asset record, whatever the names", () => {
  it("holds file and folder names with line breaks and backslashes, one line each, and reads them back as they were", async () => {
    dir = mkdtempSync(join(tmpdir(), "record-"));
    const file = recordFile(dir, "fam");
    const assets = FolderIndex.of([
      asset("a1", "/lib/two\nlines/first\nsecond.jpg", "2024-07-14T12:00:00.000Z"),
      asset("a2", "/lib/two\nlines/back\\slash\\n.jpg"),
      asset("b1", "/lib/plain/b.jpg"),
    ]);
    assets.settle();
    await saveRecord(file, { server: "s", libraryId: "l", ownerId: "o", watermark: "w", assets });
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.slice(1, 4)).toEqual(["\t2\t/lib/two\\nlines", "a1\ta2", "first\\nsecond.jpg/back\\\\slash\\\\n.jpg"]);
    const loaded = await loadRecord(file);
    expect(loaded?.assets.size).toBe(3);
    expect(listed(loaded!.assets)).toEqual(listed(assets));
  });

  it("is unreadable (the next read is a full one) when a count does not match its columns, or a number is not one", async () => {
    dir = mkdtempSync(join(tmpdir(), "record-"));
    const file = recordFile(dir, "fam");
    const head = JSON.stringify({ version: 6, server: "s", libraryId: "l", ownerId: "o", watermark: "w" });
    const good = ["\t2\t/lib/a", "x\ty", "1.jpg/2.jpg", "1,2", "timeline,archive", ","];
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, [head, ...good, ""].join("\n"));
    expect((await loadRecord(file))?.assets.size).toBe(2);
    for (const bad of [
      ["\t3\t/lib/a", ...good.slice(1)],
      ["\t2\t/lib/a", "x\ny", ...good.slice(2)],
      [...good.slice(0, 3), "1,x", ...good.slice(4)],
      [...good.slice(0, 4), "timeline", ","],
      good.slice(0, 5),
    ]) {
      writeFileSync(file, [head, ...bad, ""].join("\n"));
      expect(await loadRecord(file)).toBeUndefined();
    }
  });
});
