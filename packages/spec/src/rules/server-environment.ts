import { serverEnvOwner } from "../server-environment.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|_PASS)(_FILE)?$/;

/** Whether a variable's name says it holds a secret. */
export const isSecretEnvName = (name: string): boolean => SECRET_NAME.test(name);

export const serverEnvironment: SpecRule = {
  name: "server-environment",
  description: "immich.environment holds only non-secret variables the render does not set itself.",
  needs: ["immich"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [name, value] of Object.entries(spec.immich.environment ?? {})) {
      const path = ["immich", "environment", name];
      const owner = serverEnvOwner(name);
      if (owner) out.push({ path, anchor: "key", message: `${name} is set by the render from ${owner}; say it there` });
      else if (SECRET_NAME.test(name)) out.push({ path, anchor: "key", message: `${name} looks like a secret; secrets never go in the spec` });
      else if (/[\n\r\0]/.test(value)) out.push({ path, message: "expected a value on one line" });
      else if (value.includes("${"))
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax, named
        out.push({ path, message: "expected a literal value; secrets (${KEY}) never go in immich.environment" });
    }
    return out;
  },
};
