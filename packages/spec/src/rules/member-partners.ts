import { unknownMemberMessage } from "./_members.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

export const memberPartners: SpecRule = {
  name: "member-partners",
  description: "A member's partners are other declared members, each named once.",
  needs: ["members"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [handle, member] of Object.entries(spec.members)) {
      const seen = new Set<string>();
      (member.partners ?? []).forEach((partner, i) => {
        const path = ["members", handle, "partners", i];
        if (partner === handle) out.push({ path, message: `${handle} cannot be their own partner; list the members ${handle} shares their library with` });
        else if (!spec.members[partner]) out.push({ path, message: unknownMemberMessage(spec, partner) });
        else if (seen.has(partner)) out.push({ path, message: `${partner} is listed twice` });
        seen.add(partner);
      });
    }
    return out;
  },
};
