import { exampleInput } from "@family/test-kit";
import { describe, expect, it } from "vitest";
import { specFromInput } from "../test/helpers.js";
import { firstAdminMember, readmeText, shellWord } from "./deploy-text.js";

describe("readmeText", () => {
  it("writes each section's paragraphs in order, a blank line after each, and nothing for a section that does not apply", () => {
    const text = readmeText<{ name: string }>([({ name }) => [[`# ${name}`, "intro"], ["| a |"]], () => [], () => [["## Last"]]], { name: "smiths" });
    expect(text).toBe("# smiths\nintro\n\n| a |\n\n## Last\n");
  });
});

describe("firstAdminMember", () => {
  const family = exampleInput("family");

  it("is the first member declared with admin: true; the worker signs them up only with a password and the worker on", () => {
    expect(firstAdminMember(specFromInput(family))).toEqual({ handle: "rincewind", email: "rincewind@example.com", workerSignsUp: false });
    const withPassword = structuredClone(family);
    withPassword.members.conina.admin = true;
    withPassword.members.conina.password = "${CONINA_PASSWORD}";
    withPassword.members.rincewind.admin = false;
    expect(firstAdminMember(specFromInput(withPassword))).toEqual({ handle: "conina", email: "conina@example.com", workerSignsUp: true });
    withPassword.worker.enabled = false;
    expect(firstAdminMember(specFromInput(withPassword))?.workerSignsUp).toBe(false);
  });

  it("is none when no member is an admin", () => {
    const noAdmin = structuredClone(family);
    noAdmin.members.rincewind.admin = false;
    expect(firstAdminMember(specFromInput(noAdmin))).toBeUndefined();
  });
});

describe("shellWord", () => {
  it("leaves a plain path as it is and single-quotes anything the shell would read, quotes included", () => {
    expect(shellWord("./rendered/k8s@v1:x+y-z")).toBe("./rendered/k8s@v1:x+y-z");
    expect(shellWord("my folder")).toBe("'my folder'");
    expect(shellWord("it's $HOME")).toBe("'it'\\''s $HOME'");
    expect(shellWord("")).toBe("''");
  });
});
