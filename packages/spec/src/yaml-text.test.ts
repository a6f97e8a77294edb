import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exampleSpec, exampleText } from "../test/helpers.js";
import { parseSpec } from "./loader.js";
import { specYaml, yamlText } from "./yaml-text.js";

describe("yamlText", () => {
  it("quotes what a YAML 1.1 reader would take for a boolean or a number, only when asked for 1.1", () => {
    // `1:20` is the sexagesimal 80 in YAML 1.1.
    const value = { restart: "no", flag: "on", time: "1:20", port: 5432 };
    expect(yamlText(value, "1.1")).toBe('restart: "no"\nflag: "on"\ntime: "1:20"\nport: 5432\n');
    expect(yamlText(value)).toBe("restart: no\nflag: on\ntime: 1:20\nport: 5432\n");
  });

  it("never folds a long string", () => {
    const long = "x ".repeat(200).trim();
    const text = yamlText({ long }, "1.1");
    expect(text).toBe(`long: ${long}\n`);
  });
});

describe("specYaml", () => {
  it("writes the parsed spec back as a valid spec: secrets as ${KEY} references, same values", () => {
    const spec = exampleSpec("family.yaml");
    const text = specYaml(spec);
    expect(text).not.toContain("$schema");
    expect(text).toContain("apiKey: ${IMMICH_API_KEY_TWOFLOWER}");
    expect(text).toContain("password: ${REDIS_PASSWORD}");
    const again = parseSpec(text, "copy.yaml");
    expect(again.ok && again.value).toEqual({ ...spec, $schema: undefined });
  });

  it("keeps a literal-or-secret value that is given literally as its literal", () => {
    const spec = exampleSpec("family.yaml");
    const source = parse(exampleText("family.yaml")) as { auth: { oauth: { clientId: string } } };
    expect((parse(specYaml(spec)) as typeof source).auth.oauth.clientId).toBe(source.auth.oauth.clientId);
  });
});
