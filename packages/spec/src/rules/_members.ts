import { didYouMean } from "../loader-suggest.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

/** `"bob" is not a declared member (did you mean "bobby"?); members: alice, bobby` */
export function unknownMemberMessage(spec: ImmichFamilySpec, handle: string): string {
  const members = Object.keys(spec.members);
  return `"${handle}" is not a declared member${didYouMean(handle, members)}; members: ${members.join(", ") || "(none)"}`;
}
