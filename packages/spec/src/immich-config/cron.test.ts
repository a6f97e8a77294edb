import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { immichCronProblem } from "./cron.js";

// The v3 strict schema's CronExpression pattern mirrors the server's cron check; use it as the oracle.
const schema = JSON.parse(readFileSync(new URL("../../schema/immich-config/immich-config.v3.strict.schema.json", import.meta.url), "utf8"));
const serverAccepts = new RegExp(schema.$defs.CronExpression.pattern);

const GOOD = ["0 0 * * *", "30 2 * * *", "*/15 * * * *", "0 0 3 * * *", "0 4 * * 1-5", "0 0 1,15 * *", "0 0 * * 0", "@daily", "5-10/2 1 * * *"];
const BAD = [
  "0 0 * *",
  "60 0 * * *",
  "0 24 * * *",
  "0 0 0 * *",
  "0 0 * 13 *",
  "0 0 * * 8",
  "*/0 * * * *",
  "a b c d e",
  "0 0 * * * * *",
  "@sometimes",
  "10-5 * * * *",
  "",
];

describe("immichCronProblem", () => {
  it.each(GOOD)("accepts %j, as the server does", (expr) => {
    expect(serverAccepts.test(expr)).toBe(true);
    expect(immichCronProblem(expr)).toBeUndefined();
  });
  it.each(BAD)("rejects %j, as the server does, saying why", (expr) => {
    expect(serverAccepts.test(expr)).toBe(false);
    expect(immichCronProblem(expr)).toMatch(/.+/);
  });
  it("names the field at fault", () => {
    expect(immichCronProblem("0 25 * * *")).toBe('hour "25" is outside 0-23');
  });
});
