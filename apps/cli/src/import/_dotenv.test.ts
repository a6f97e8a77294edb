import { describe, expect, it } from "vitest";
import { InterpolationError, interpolate, parseEnvFile } from "./_dotenv.js";

const env = (text: string, outside: Record<string, string> = {}) => {
  const { values, problems } = parseEnvFile(text, (n) => (Object.hasOwn(outside, n) ? outside[n] : undefined));
  return { values: Object.fromEntries(values), problems };
};

describe("parseEnvFile, Compose's documented .env cases", () => {
  it.each([
    ["VAR=VAL", "VAL"],
    ['VAR="VAL"', "VAL"],
    ["VAR='VAL'", "VAL"],
    ["VAR=VAL # comment", "VAL"],
    ["VAR=VAL# not a comment", "VAL# not a comment"],
    ['VAR="VAL # not a comment"', "VAL # not a comment"],
    ['VAR="VAL" # comment', "VAL"],
    ["VAR='$OTHER'", "$OTHER"],
    ["VAR='${OTHER}'", "${OTHER}"],
    ["VAR='Let\\'s go!'", "Let's go!"],
    ['VAR="{\\"hello\\": \\"json\\"}"', '{"hello": "json"}'],
    ['VAR="some\\tvalue"', "some\tvalue"],
    ["VAR='some\\tvalue'", "some\\tvalue"],
    ["VAR=some\\tvalue", "some\\tvalue"],
    ['VAR="line one\nline two"', "line one\nline two"],
    ["export VAR=VAL", "VAL"],
    ["  VAR  =  VAL  ", "VAL"],
    ["VAR=", ""],
    ['VAR="/srv/my photos" # note', "/srv/my photos"],
    ["VAR=a=b", "a=b"],
  ])("%s", (line, value) => {
    expect(env(`${line}\n`)).toEqual({ values: { VAR: value }, problems: [] });
  });

  it("skips comments and blank lines, reads CRLF, and interpolates earlier names and the environment", () => {
    const text = "# the install\r\n\r\nROOT=/srv\r\nPHOTOS=${ROOT}/photos\r\nHOMEPICS=${HOME}/pics\r\nLIT='${ROOT}'\r\nQ=\"$ROOT/q\"\r\n";
    expect(env(text, { HOME: "/home/ann" }).values).toEqual({
      ROOT: "/srv",
      PHOTOS: "/srv/photos",
      HOMEPICS: "/home/ann/pics",
      LIT: "${ROOT}",
      Q: "/srv/q",
    });
  });

  it("takes a bare NAME from the environment, and keeps names like constructor as ordinary names", () => {
    expect(env("HOME\nconstructor=1\n__proto__=2\ntoString=3\n", { HOME: "/h" }).values).toEqual({
      HOME: "/h",
      constructor: "1",
      ["__proto__"]: "2",
      toString: "3",
    });
  });

  it("reports a line Compose would refuse, with its number, and reads the rest", () => {
    expect(env('A=1\nnot a line\nB=\'open\nC=3\nD="x" y\nE=${\n')).toEqual({
      values: { A: "1", C: "3" },
      problems: [
        { line: 2, message: "not a NAME=value line" },
        { line: 3, message: "B: the single quote is not closed" },
        { line: 5, message: 'D: text after the closing quote: "y"' },
        { line: 6, message: 'E: invalid interpolation in "${": `${` needs a variable name' },
      ],
    });
  });
});

describe("interpolate, Compose's documented forms", () => {
  const vars = new Map([
    ["SET", "value"],
    ["EMPTY", ""],
  ]);
  const look = (n: string) => vars.get(n);
  it.each([
    ["${SET}", "value"],
    ["$SET/x", "value/x"],
    ["${UNSET}", ""],
    ["${SET:-d}", "value"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["${UNSET-d}", "d"],
    ["${SET:+r}", "r"],
    ["${EMPTY:+r}", ""],
    ["${EMPTY+r}", "r"],
    ["${UNSET:-${SET}}", "value"],
    ["${UNSET:-${ALSO:-deep}}", "deep"],
    ["$$SET", "$SET"],
    ["cost $5", "cost $5"],
    ["${constructor}", ""],
  ])("%s", (text, value) => {
    expect(interpolate(text, look)).toBe(value);
  });

  it("refuses what Compose refuses", () => {
    expect(() => interpolate("${UNSET:?set it}", look)).toThrow(new InterpolationError("UNSET is required: set it"));
    expect(() => interpolate("${EMPTY?x}", look)).not.toThrow();
    expect(() => interpolate("${SET", look)).toThrow("is not closed");
    expect(() => interpolate("${SET:-x", look)).toThrow("is not closed");
  });
});
