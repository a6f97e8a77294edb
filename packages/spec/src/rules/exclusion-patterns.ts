import picomatch from "picomatch";
import { errorMessage } from "../error-message.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

export const exclusionPatterns: SpecRule = {
  name: "exclusion-patterns",
  description: "Every exclusion pattern is a glob that compiles.",
  needs: ["libraries"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      lib.exclusionPatterns.forEach((pattern, i) => {
        try {
          picomatch.makeRe(pattern, { strictBrackets: true });
        } catch (error) {
          const why = errorMessage(error).replace(/ - use .*$/, "");
          out.push({ path: ["libraries", handle, "exclusionPatterns", i], message: `the glob does not compile: ${why}` });
        }
      });
    }
    return out;
  },
};
