import { describe, expect, it } from "vitest";
import { albumName, albumSlice, checkNameRules } from "./album-name.js";
import { folderFilter } from "./folder-filter.js";
import { describe as describeAlbum, markerLine, parseMarker } from "./marker.js";

const segs = ["2024", "Italy", "Rome"];

describe("albumSlice", () => {
  it.each([
    [1, ["2024"], 1],
    [2, ["2024", "Italy"], 2],
    [5, ["2024", "Italy", "Rome"], 3],
    [-1, ["Rome"], 3],
    [-2, ["Italy", "Rome"], 3],
    [-9, ["2024", "Italy", "Rome"], 3],
    ["2,3", ["Italy", "Rome"], 3],
    ["1,2", ["2024", "Italy"], 2],
    ["2,9", ["Italy", "Rome"], 3],
    ["-2,-1", ["Italy", "Rome"], 3],
    ["-3,-2", ["2024", "Italy"], 2],
    ["1,-2", ["2024", "Italy"], 2],
  ] as const)("levels %s of 2024/Italy/Rome → %j", (levels, chunks, anchorDepth) => {
    expect(albumSlice(segs, levels)).toEqual({ chunks, anchorDepth });
  });

  it("gives no album to files in the library root or to a range past the folder", () => {
    expect(albumSlice([], 1)).toBeUndefined();
    expect(albumSlice(["2024"], "2,3")).toBeUndefined();
  });

  it("rejects level 0 and a malformed range", () => {
    expect(checkNameRules({ levels: "1;2", separator: " ", rename: [] })).toHaveLength(1);
    expect(checkNameRules({ levels: 0, separator: " ", rename: [] })).toHaveLength(1);
    expect(checkNameRules({ levels: 1, separator: " ", rename: [{ pattern: "(", replacement: "" }] })[0]).toMatch(/rename pattern "\("/);
  });
});

describe("albumName", () => {
  it("joins levels with the separator and applies every rename in order", () => {
    expect(albumName(["2024", "Italy"], { separator: " / ", rename: [] })).toBe("2024 / Italy");
    expect(
      albumName(["2024-05-01 Rome", "day 1"], {
        separator: " - ",
        rename: [
          { pattern: "^\\d{4}-\\d{2}-\\d{2} ", replacement: "" },
          { pattern: "day", replacement: "Day" },
        ],
      }),
    ).toBe("Rome - Day 1");
    expect(albumName(["a_b_c"], { separator: "", rename: [{ pattern: "_", replacement: " " }] })).toBe("a b c");
  });
});

describe("folderFilter", () => {
  it("keeps everything without patterns", () => {
    expect(folderFilter([], [])("2024/Rome")).toBe(true);
  });
  it("ignores a matching folder and everything below it", () => {
    const keep = folderFilter([], ["**/drafts"]);
    expect(keep("2024/drafts")).toBe(false);
    expect(keep("2024/drafts/old")).toBe(false);
    expect(keep("2024/Rome")).toBe(true);
  });
  it("keeps only included folders (and their sub-folders), then applies ignores", () => {
    const keep = folderFilter(["2024/*"], ["2024/private"]);
    expect(keep("2024/Rome")).toBe(true);
    expect(keep("2024/Rome/day1")).toBe(true);
    expect(keep("2023/Paris")).toBe(false);
    expect(keep("2024/private")).toBe(false);
  });
});

describe("marker", () => {
  it("round-trips library and key through the description, escaping brackets", () => {
    const d = describeAlbum("Trip photos", { library: "family", key: "2024/[best] 100%" });
    expect(d).toBe("Trip photos\n[immich-family:family:2024/[best%5D 100%25]");
    expect(parseMarker(d)).toEqual({ library: "family", key: "2024/[best] 100%" });
  });
  it("does not see a marker in other albums' descriptions", () => {
    expect(parseMarker("My own album")).toBeUndefined();
    expect(parseMarker(null)).toBeUndefined();
    expect(parseMarker(`${markerLine({ library: "a", key: "k" })} and more`)).toBeUndefined();
  });
});
