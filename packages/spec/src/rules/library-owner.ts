import { unknownMemberMessage } from "./_members.js";
import type { SpecRule } from "./_rule.js";

export const libraryOwner: SpecRule = {
  name: "library-owner",
  description: "A library's owner is a declared member.",
  needs: ["libraries", "members"],
  check: (spec) =>
    Object.entries(spec.libraries)
      .filter(([, lib]) => !(lib.owner in spec.members))
      .map(([handle, lib]) => ({ path: ["libraries", handle, "owner"], message: `library owner ${unknownMemberMessage(spec, lib.owner)}` })),
};
