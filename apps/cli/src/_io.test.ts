import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runCli } from "../test/helpers.js";
import { terminalSafe } from "./_io.js";

describe("what the CLI prints", () => {
  it("escapes every control and direction-changing character but newline and tab", () => {
    expect(terminalSafe("a\u001b[2Jb\rc\u0007d\u202Ee\u0085f\tg\nh")).toBe("a\\x1B[2Jb\\rc\\x07d\\u202Ee\\u0085f\tg\nh");
  });

  it("keeps JSON output valid JSON with the same values (DEL, C1 and direction marks JSON.stringify leaves raw)", () => {
    const value = { dir: "out\u007f\u0085\u202E\u2028x" };
    expect(JSON.parse(terminalSafe(JSON.stringify(value)))).toEqual(value);
  });

  it("reaches the terminal escaped, also where a message echoes an argument raw (an unknown command)", () => {
    const r = runCli(["evil\u001b]0;pwned\u0007"], tmpdir());
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("error: Unknown command: evil\\x1B]0;pwned\\x07. Run `immich-family --help`.\n");
  });
});
