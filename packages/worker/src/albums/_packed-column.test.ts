import { describe, expect, it } from "vitest";
import { PackedColumn } from "./_packed-column.js";

const NAMES = ["IMG 1.jpg", "tab\there.jpg", "line\nbreak.jpg", "back\\slash,comma.jpg", "", "Été à Paris.heic"];

describe("a packed column, read and changed", () => {
  it("packs its values into one string joined by its separator, and gives the same values back every way", () => {
    const column = new PackedColumn("/", [...NAMES]);
    expect(column.packed).toBe(false);
    expect(column.pack()).toBe(true);
    expect(column.packed).toBe(true);
    expect(column.join()).toBe("IMG 1.jpg/tab\there.jpg/line\nbreak.jpg/back\\slash,comma.jpg//Été à Paris.heic");
    expect(column.length).toBe(6);
    expect([...column]).toEqual(NAMES);
    expect(column.unpack()).toEqual(NAMES);
    expect(NAMES.map((_, i) => column.get(i))).toEqual(NAMES);
    expect([column.get(6), column.get(-1), column.get(1.5)]).toEqual([undefined, undefined, undefined]);
  });

  it("reads the same before and after packing", () => {
    const column = new PackedColumn("\t", ["a", "b", "c"]);
    const before = { length: column.length, all: [...column], second: column.get(1), list: [...column.unpack()] };
    column.pack();
    expect({ length: column.length, all: [...column], second: column.get(1), list: [...column.unpack()] }).toEqual(before);
  });

  it("passes each unpacked value through `keep`, and leaves a list column's own values alone", () => {
    const packed = PackedColumn.parse("\t", "a\tb", 2)!;
    expect(packed.unpack((s) => s.toUpperCase())).toEqual(["A", "B"]);
    expect(packed.packed).toBe(true);
    const list = new PackedColumn("\t", ["a", "b"]);
    expect(list.unpack((s) => s.toUpperCase())).toEqual(["a", "b"]);
  });

  it("unpacks in place to be changed, each value through `keep`, and packs again with the change", () => {
    const column = PackedColumn.parse("/", "x.jpg/y.jpg", 2)!;
    const list = column.edit((s) => `${s}!`);
    expect(column.packed).toBe(false);
    list.push("z.jpg");
    list[0] = "w.jpg";
    expect(column.edit()).toBe(list);
    expect(column.length).toBe(3);
    column.pack();
    expect(column.join()).toBe("w.jpg/y.jpg!/z.jpg");
  });
});

describe("a packed column at its edges", () => {
  it("is empty with no values, packed or not (an empty text is no value, not one empty value)", () => {
    const column = new PackedColumn("/");
    expect(column.pack()).toBe(true);
    expect([column.length, [...column], column.unpack(), column.get(0), column.join()]).toEqual([0, [], [], undefined, ""]);
    const parsed = PackedColumn.parse("/", "", 0)!;
    expect([parsed.length, [...parsed], parsed.unpack()]).toEqual([0, [], []]);
    expect(parsed.edit()).toEqual([]);
    const oneEmpty = PackedColumn.parse("/", "", 1)!;
    expect([oneEmpty.length, [...oneEmpty], oneEmpty.unpack()]).toEqual([1, [""], [""]]);
  });

  it("refuses to pack a value that holds its separator: the column stays a list and reads right", () => {
    const column = new PackedColumn("\t", ["a", "b\tc", "d"]);
    expect(column.pack()).toBe(false);
    expect(column.packed).toBe(false);
    expect([column.length, [...column], column.get(1)]).toEqual([3, ["a", "b\tc", "d"], "b\tc"]);
    // Its joined text does not parse back as three values: a record holding it is refused, never misread.
    expect(PackedColumn.parse("\t", column.join(), 3)).toBeUndefined();
  });

  it("parses a stored text only when it holds as many values as it says", () => {
    expect(PackedColumn.parse("\t", "a\tb\tc", 3)?.unpack()).toEqual(["a", "b", "c"]);
    for (const [text, length] of [
      ["a\tb\tc", 2],
      ["a\tb", 3],
      ["a", 0],
      ["", -1],
      ["", 2],
    ] as const) {
      expect(PackedColumn.parse("\t", text, length), `${JSON.stringify(text)} as ${length}`).toBeUndefined();
    }
  });

  it("takes one character as its separator", () => {
    expect(() => new PackedColumn("")).toThrow(/one character/);
    expect(() => new PackedColumn("::")).toThrow(/one character/);
  });
});
