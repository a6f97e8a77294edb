import { describe, expect, it } from "vitest";
import { load } from "js-yaml";
import { parse } from "yaml";
import { fillTemplate, templateKeys } from "./fill-template.js";
import { yamlDoubleQuoted } from "./_yaml-quote.js";

const TEMPLATE = [
  "# a comment naming ${NOT_A_KEY} is left alone",
  "oauth:",
  "  enabled: true",
  "  clientId: ${CLIENT_ID}",
  '  clientSecret: "${CLIENT_SECRET}"',
  "  issuerUrl: https://${TENANT_HOST}/v2.0 # trailing comment",
  "  buttonText: plain text",
  "list:",
  "  - ${CLIENT_SECRET}",
  "",
].join("\n");

const TRICKY = [
  "pa$$word${CLIENT_ID}$HOME",
  `with "double" and 'single' quotes and a \\ backslash`,
  "multi\nline\r\nvalue\twith tab",
  "unicode: héllo, 日本語, emoji 😀, ZWJ 👨‍👩‍👧",
  "separators\u2028\u2029 bom\ufeff nel\x85 del\x7f bell\x07 nul\0",
  " leading and trailing spaces ",
  "- looks: [like, yaml] {a: b} # not a comment",
  "true",
  "0123",
  "~",
];

describe("fillTemplate", () => {
  it("fills every placeholder and keeps the rest of the text", () => {
    const result = fillTemplate(TEMPLATE, { CLIENT_ID: "id-1", CLIENT_SECRET: "s3cret", TENANT_HOST: "login.example.com" });
    if (!result.ok) throw new Error("expected ok");
    expect(parse(result.text)).toEqual({
      oauth: { enabled: true, clientId: "id-1", clientSecret: "s3cret", issuerUrl: "https://login.example.com/v2.0", buttonText: "plain text" },
      list: ["s3cret"],
    });
    expect(result.text).toContain("# a comment naming ${NOT_A_KEY} is left alone");
    expect(result.text).toContain("# trailing comment");
    expect(result.text).not.toMatch(/\$\{(CLIENT_ID|CLIENT_SECRET|TENANT_HOST)\}/);
  });

  it("names every unresolved key (unset or empty), once, and fills nothing", () => {
    const result = fillTemplate(TEMPLATE, { CLIENT_ID: "", OTHER: "x" });
    expect(result).toEqual({ ok: false, missing: ["CLIENT_ID", "CLIENT_SECRET", "TENANT_HOST"] });
  });

  it.each(TRICKY)("value %j survives exactly and is never re-expanded", (value) => {
    const result = fillTemplate(TEMPLATE, { CLIENT_ID: "id", CLIENT_SECRET: value, TENANT_HOST: "h" });
    if (!result.ok) throw new Error("expected ok");
    // Both the `yaml` library and js-yaml (the reader Immich uses for IMMICH_CONFIG_FILE) read it back exactly.
    for (const config of [parse(result.text), load(result.text)] as { oauth: { clientSecret: unknown; clientId: unknown }; list: unknown[] }[]) {
      expect(config.oauth.clientSecret).toBe(value);
      expect(config.list).toEqual([value]);
      expect(config.oauth.clientId).toBe("id");
    }
  });

  it("writes only printable characters a strict YAML reader accepts", () => {
    for (const value of TRICKY) {
      // js-yaml (Immich's reader) rejects raw C0/C1 controls, DEL, U+FEFF mid-stream and non-characters.
      const raw = [...yamlDoubleQuoted(value)].map((ch) => ch.codePointAt(0) ?? 0);
      expect(raw.filter((cp) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || [0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff].includes(cp))).toEqual([]);
      expect(yamlDoubleQuoted(value)).not.toContain("\n");
    }
  });

  it("rejects a template that is not YAML", () => {
    expect(() => fillTemplate("a: [\n", {})).toThrow(/not valid YAML/);
  });

  it("ignores lower-case and malformed placeholders", () => {
    const result = fillTemplate("a: ${lower}\nb: $PLAIN\nc: ${1BAD}\n", {});
    expect(result).toEqual({ ok: true, text: "a: ${lower}\nb: $PLAIN\nc: ${1BAD}\n" });
  });
});

describe("templateKeys", () => {
  it("lists the keys of values only, sorted, once", () => {
    expect(templateKeys(TEMPLATE)).toEqual(["CLIENT_ID", "CLIENT_SECRET", "TENANT_HOST"]);
  });
});
