import { describe, expect, it } from "vitest";
import { type AlbumPropsError, type AlbumPropsFile, parseAlbumProps } from "./albumprops.js";
import { type AlbumRulesInput, desiredAlbums, type LibraryAsset } from "./desired.js";

const rules = (over: Partial<AlbumRulesInput> = {}): AlbumRulesInput => ({ levels: 1, separator: " ", rename: [], include: [], ignore: [], base: {}, ...over });
const users: Record<string, string> = { ann: "ann@x", "ann@x": "ann@x", bob: "bob@x", "bob@x": "bob@x", owner: "owner@x" };
let n = 0;
const asset = (path: string, at = "2024-01-01T00:00:00Z"): LibraryAsset => ({
  id: `a${++n}-${path}`,
  originalPath: path,
  originalFileName: path.split("/").at(-1)!,
  fileCreatedAt: at,
  visibility: "timeline",
});

function build(assets: LibraryAsset[], over: Partial<AlbumRulesInput> = {}, files: Record<string, string> = {}) {
  const parsed = new Map<string, AlbumPropsFile | AlbumPropsError>();
  for (const [folder, text] of Object.entries(files)) {
    const r = parseAlbumProps(text, `${folder}/.albumprops`);
    parsed.set(folder, r.ok ? r.value : r.error);
  }
  return desiredAlbums({
    rules: rules(over),
    roots: ["/lib/photos"],
    assets,
    albumprops: (f) => parsed.get(f),
    resolveUser: (u) => users[u.toLowerCase()],
    owner: "owner@x",
  });
}
const names = (s: ReturnType<typeof build>) => s.albums.map((a) => [a.name, a.assetIds().length]);

describe("desiredAlbums", () => {
  const tree = () => [
    asset("/lib/photos/root.jpg"),
    asset("/lib/photos/2024/Italy/Rome/a.jpg"),
    asset("/lib/photos/2024/Italy/Rome/b.jpg"),
    asset("/lib/photos/2024/Italy/c.jpg"),
    asset("/lib/photos/2023/Summer/d.jpg"),
    asset("/lib/photos/2024/Summer/e.jpg"),
    asset("/lib/photos-old/x/f.jpg"), // substring match from the server, outside the root
  ];

  it("levels 1 groups everything below each top folder; root files get no album", () => {
    expect(names(build(tree()))).toEqual([
      ["2023", 1],
      ["2024", 4],
    ]);
  });
  it("levels -1 names albums by the file's own folder and merges equal names", () => {
    expect(names(build(tree(), { levels: -1 }))).toEqual([
      ["Italy", 1],
      ["Rome", 2],
      ["Summer", 2],
    ]);
  });
  it("a range with a separator and rename rules", () => {
    const s = build(tree(), { levels: "1,2", separator: " / ", rename: [{ pattern: "^2024 / ", replacement: "" }] });
    expect(names(s)).toEqual([
      ["2023 / Summer", 1],
      ["Italy", 3],
      ["Summer", 1],
    ]);
    expect(s.albums.map((a) => a.key)).toEqual(["2023/Summer", "2024/Italy", "2024/Summer"]);
  });
  it("include and ignore filters", () => {
    expect(names(build(tree(), { levels: -1, include: ["2024"], ignore: ["**/Rome"] }))).toEqual([
      ["Italy", 1],
      ["Summer", 1],
    ]);
  });

  it("applies .albumprops of the album's folder and drops the owner from the share list", () => {
    const s = build(
      tree(),
      {
        levels: 2,
        base: {
          shareWith: [
            { user: "owner", role: "editor" },
            { user: "ann", role: "viewer" },
          ],
        },
      },
      {
        "/lib/photos/2024/Italy": "override_name: Bella Italia\nshare_with:\n  - user: bob@x\n    role: editor\nthumbnail_setting: c.jpg\n",
      },
    );
    const italy = s.albums.find((a) => a.key === "2024/Italy")!;
    expect(italy.name).toBe("Bella Italia");
    expect(Object.fromEntries(italy.users)).toEqual({ "ann@x": "viewer", "bob@x": "editor" });
    expect(italy.thumbnail).toBe(italy.assetIds().find((id) => id.endsWith("/2024/Italy/c.jpg")));
    expect(s.notes.filter((x) => x.includes("owner is not added"))).toHaveLength(3);
  });

  it("skips the albums under a broken .albumprops, reports file:line, and builds the rest", () => {
    const s = build(tree(), { levels: -1 }, { "/lib/photos/2024/Italy": "share_with:\n  - user: ann\n    role: boss\n" });
    expect(names(s)).toEqual([["Summer", 2]]);
    expect([...s.skipped.keys()]).toEqual(["Italy", "Rome"]);
    expect(s.problems).toEqual(['/lib/photos/2024/Italy/.albumprops:3:11: share_with[].role: expected one of viewer, editor, none, got "boss"']);
  });

  it("reports unknown users and still builds the album", () => {
    const s = build(tree(), {}, { "/lib/photos/2023": "share_with: [{ user: mallory }]\n" });
    expect(names(s)).toHaveLength(2);
    expect(s.problems[0]).toMatch(/share_with user "mallory" is not a member/);
  });

  it("lists the assets whose visibility must change", () => {
    const s = build(tree(), {}, { "/lib/photos/2023": "visibility: archive\n" });
    expect(s.albums.find((a) => a.key === "2023")?.visibilityIds).toHaveLength(1);
    expect(s.albums.find((a) => a.key === "2024")?.visibilityIds).toHaveLength(0);
  });
});
