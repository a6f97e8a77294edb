// What both targets' rendered READMEs and printed next steps say alike, written once so the two cannot
// drift apart, and the one way a README is laid out: sections of paragraphs.
import { ADMIN_SIGN_UP } from "./facts.js";
import type { ImmichFamilySpec } from "./schema/spec.js";

/** One paragraph of a rendered README: its lines, followed by a blank line. */
export type Paragraph = readonly string[];

/** One section of a rendered README: its paragraphs for `context`, none when it does not apply. */
export type ReadmeSection<C> = (context: C) => Paragraph[];

/** A rendered README: each section's paragraphs in order, a blank line after each paragraph. */
export function readmeText<C>(sections: readonly ReadmeSection<C>[], context: C): string {
  return sections
    .flatMap((section) => section(context))
    .flatMap((paragraph) => [...paragraph, ""])
    .join("\n");
}

/** The first sentence under a README's title, without its stop: who rendered the folder, and that the spec is what to edit. */
export function renderedBy(target: "kubernetes" | "compose"): string {
  return `Rendered by \`immich-family render --target ${target}\`. Edit the spec, not these files, and render again`;
}

/** How a README tells an adopted install (one that already has its users) from a fresh one. */
export const ADOPTED_INSTALL = "adopted from a running Immich, its members imported";

/** Why a fresh install needs its first admin at once. */
export const OPEN_ADMIN_SIGN_UP = `Immich makes whoever calls its sign-up (\`${ADMIN_SIGN_UP.path}\`) the admin`;

/** What the first start takes. */
export const FIRST_START_MIGRATIONS = "The first start runs database migrations and can take minutes";

/** The member bootstrap signs up as the first admin, and whether the worker does it by itself. */
export interface FirstAdminMember {
  readonly handle: string;
  readonly email: string;
  /** The member has a password and the worker runs: the worker signs them up when it first starts. */
  readonly workerSignsUp: boolean;
}

/** The spec's first admin: the first member declared with `admin: true`, if any. */
export function firstAdminMember(spec: Pick<ImmichFamilySpec, "members" | "worker">): FirstAdminMember | undefined {
  const [handle, admin] = Object.entries(spec.members).find(([, m]) => m.admin) ?? [];
  if (handle === undefined || admin === undefined) return undefined;
  return { handle, email: admin.email, workerSignsUp: Boolean(admin.password) && spec.worker.enabled };
}

/** What the worker does on a server without an admin, as a README says it. */
export function workerSignUp(admin: FirstAdminMember, apiKeyKey: string): string {
  return `with no admin on the server and no key in \`${apiKeyKey}\`, it signs up \`${admin.handle}\` (${admin.email}) with \`members.${admin.handle}.password\` and makes its own API key`;
}

/** The printed next step of the first admin: none on an adopted install; `fresh` says how a fresh one gets it. */
export function firstAdminNextStep(fresh: string): string {
  return `First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: ${fresh}.`;
}

/** `word` as one word of a printed shell command: as it is when nothing in it is special to the shell, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w./@:+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
