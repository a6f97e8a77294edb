import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

describe("rule placeholders", () => {
  it("accepts ${KEY} in the fields that hold secrets", () => {
    const text = edit(BASE_SPEC, "database:\n", "database:\n  password: ${PG_PASS}\n");
    // (unused-field notes that the password has no effect on the kubernetes target.)
    expect(diagnose(text).filter((d) => d.endsWith("[placeholders]"))).toEqual([]);
  });

  it("refuses ${KEY} in the storage template, at the placeholder", () => {
    expect(diagnose(edit(BASE_SPEC, '"{{y}}/{{MM}}/{{filename}}"', '"{{y}}/${HOME}/{{filename}}"'))).toEqual([
      "spec.yaml:15:20: storageTemplate.template: ${HOME} is a secret placeholder, allowed only in fields that hold secrets (passwords, API keys, the OAuth client); here it would be filled in from the secrets env file. Write the value itself [placeholders]",
    ]);
  });

  it("refuses ${KEY} in the login button text and in a literal client id", () => {
    const text = edit(BASE_SPEC, "    clientId: ${OAUTH_CLIENT_ID}", "    clientId: id-${OAUTH_CLIENT_ID}\n    buttonText: Log in ${X} now");
    expect(diagnose(text).map((d) => d.split(": $")[0])).toEqual(["spec.yaml:13:18: auth.oauth.clientId", "spec.yaml:14:24: auth.oauth.buttonText"]);
  });

  it("refuses an unclosed ${ and finds each occurrence", () => {
    const text = edit(BASE_SPEC, "    name: Bob", "    name: ${A} and ${A} and ${B");
    expect(diagnose(text).map((d) => d.split(" is a secret")[0])).toEqual([
      "spec.yaml:22:11: members.bob.name: ${A}",
      "spec.yaml:22:20: members.bob.name: ${A}",
      "spec.yaml:22:29: members.bob.name: ${B",
    ]);
  });

  it("still reports while another section has schema errors", () => {
    const text = edit(edit(BASE_SPEC, "  postgresMajor: 16", "  postgresMajor: 99"), "    name: Bob", "    name: ${BOB}");
    expect(diagnose(text).map((d) => d.replace(/ \(.*$/, ""))).toEqual([
      "spec.yaml:33:18: database.postgresMajor: expected a number <= 18, got number 99 [too-big]",
      "spec.yaml:22:11: members.bob.name: ${BOB} is a secret placeholder, allowed only in fields that hold secrets",
    ]);
  });

  it("accepts a whole-value ${KEY} in immich.config, Immich's own keys passed through, and refuses one inside a value there", () => {
    const passthrough = (value: string) =>
      edit(
        BASE_SPEC,
        "  version: v2.7.5\n",
        `  version: v2.7.5\n  config:\n    notifications:\n      smtp:\n        transport:\n          password: ${value}\n`,
      );
    expect(diagnose(passthrough("${SMTP_PASS}")).filter((d) => d.endsWith("[placeholders]"))).toEqual([]);
    expect(diagnose(passthrough("pre-${SMTP_PASS}")).filter((d) => d.endsWith("[placeholders]"))).toEqual([
      expect.stringContaining("immich.config.notifications.smtp.transport.password: ${SMTP_PASS} is a secret placeholder"),
    ]);
  });
});
