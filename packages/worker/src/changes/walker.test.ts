import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempTree } from "../../test/helpers.js";
import { compileGlobSet } from "./glob-set.js";
import { defaultWalker, nodeWalker } from "./walker.js";

let tree: ReturnType<typeof tempTree>;
beforeEach(() => {
  tree = tempTree();
  for (const rel of [
    "2024/a.jpg",
    "2024/B.HEIC",
    "2024/raw/c.jpg",
    "2024/Trip/RAW/d.raf",
    "2024/.thumbs/e.jpg",
    ".hidden.jpg",
    "notes.txt",
    "video/clip.MOV",
    "online_auf/f.png",
    "x/online_auf_2/g.png",
    "pano-12/h.jpg",
    "deep/a/b/c/i.jpg",
    "@eaDir/j.jpg",
    "sidecar.jpg.xmp",
  ])
    tree.add(rel);
});
afterEach(() => tree.cleanup());

const patterns = ["**/raw/**", "**online_auf**", "**/pano-*/**", "**/@eaDir/**", "*/deep/*/b/*"];

describe("walkers", () => {
  it("uses Immich's own walker here", async () => {
    expect((await defaultWalker()).name).toBe("walkrs");
  });

  it("classify the same files as the server: hidden skipped, media only, globset exclusions", async () => {
    const input = { importPaths: [tree.root], exclusionPatterns: patterns };
    const expected = ["2024/B.HEIC", "2024/a.jpg", "video/clip.MOV"].map((r) => `${tree.root}/${r}`);
    expect((await (await defaultWalker()).list(input)).sort()).toEqual(expected);
    expect((await nodeWalker.list(input)).sort()).toEqual(expected);
  });

  it("globset semantics: case-insensitive, * crosses /, absolute paths", () => {
    const m = compileGlobSet(["**/raw/**", "*.tmp.*", "/mnt/{a,b}/x?.jpg", "**/[!a]z/**"]);
    expect(m("/mnt/p/2024/RAW/f.jpg")).toBe(true);
    expect(m("/mnt/p/deep/dir/file.tmp.jpg")).toBe(true);
    expect(m("/mnt/b/x1.jpg")).toBe(true);
    expect(m("/mnt/c/x1.jpg")).toBe(false);
    expect(m("/p/bz/f.jpg")).toBe(true);
    expect(m("/p/az/f.jpg")).toBe(false);
    expect(m("/mnt/p/raw.jpg")).toBe(false);
  });
});
