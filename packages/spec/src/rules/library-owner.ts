import { unknownMemberMessage } from "./_members.js";
import type { SpecRule } from "./_rule.js";

export const libraryOwner: SpecRule = {
  name: "library-owner",
  description: "A library's owner is a declared member.",
  needs: ["libraries", "members"],
  check: (spec) =>
    Object.entries(spec.libraries)
      .filter(([, lib]) => !Object.hasOwn(spec.members, lib.owner))
      .map(([handle, lib]) => ({ path: ["libraries", handle, "owner"], message: `library owner ${unknownMemberMessage(spec, lib.owner)}` })),
};
