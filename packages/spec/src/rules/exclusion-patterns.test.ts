import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const patterns = (list: string) => edit(BASE_SPEC, 'exclusionPatterns: ["**/raw/**"]', `exclusionPatterns: ${list}`);

describe("rule exclusion-patterns", () => {
  it("accepts globs that compile", () => {
    expect(diagnose(patterns('["**/raw/**", "**/@eaDir/**", "**/._*", "**/*.{tmp,part}", "**/[Tt]humbs.db"]'))).toEqual([]);
  });
  it("rejects an unclosed bracket, brace or parenthesis, each at its own entry", () => {
    expect(diagnose(patterns('["**/[abc", "ok/**", "**/{a,b", "**/(x"]'))).toEqual([
      'spec.yaml:28:25: libraries.photos.exclusionPatterns.0: the glob does not compile: Missing closing: "]" [exclusion-patterns]',
      'spec.yaml:28:45: libraries.photos.exclusionPatterns.2: the glob does not compile: Missing closing: "}" [exclusion-patterns]',
      'spec.yaml:28:56: libraries.photos.exclusionPatterns.3: the glob does not compile: Missing closing: ")" [exclusion-patterns]',
    ]);
  });
});
