import { unknownMemberMessage } from "./_members.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

export const albumShare: SpecRule = {
  name: "album-share",
  description: "An album is shared with declared members only, each once, and never with its owner (the library's owner).",
  needs: ["libraries", "members"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      const seen = new Set<string>();
      (lib.albums?.shareWith ?? []).forEach(({ member }, i) => {
        const path = ["libraries", handle, "albums", "shareWith", i, "member"];
        if (!Object.hasOwn(spec.members, member)) {
          out.push({ path, message: `album share target ${unknownMemberMessage(spec, member)}` });
        } else if (member === lib.owner) {
          out.push({ path, message: `"${member}" owns the albums of library ${handle} (its owner) and cannot also be a share target; remove this entry` });
        } else if (seen.has(member)) {
          out.push({ path, message: `"${member}" is listed twice; share with each member once` });
        }
        seen.add(member);
      });
    }
    return out;
  },
};
