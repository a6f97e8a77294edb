import type { RuleFinding, SpecRule } from "./_rule.js";

export const memberEmails: SpecRule = {
  name: "member-emails",
  description: "Each member has their own email (it is the Immich login).",
  needs: ["members"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    const seen = new Map<string, string>();
    for (const [handle, member] of Object.entries(spec.members)) {
      const email = member.email.toLowerCase();
      const first = seen.get(email);
      if (first !== undefined)
        out.push({
          path: ["members", handle, "email"],
          message: `${member.email} is already the email of member ${first}; each member logs in with their own`,
        });
      else seen.set(email, handle);
    }
    return out;
  },
};
