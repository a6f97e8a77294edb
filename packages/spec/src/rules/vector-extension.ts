import type { RuleFinding, SpecRule } from "./_rule.js";

const parse = (v: string) => v.split(".").map(Number) as [number, number, number];
const compare = (a: string, b: string) => {
  const [x, y] = [parse(a), parse(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};
/** Immich accepts VectorChord >= 0.3.0 and < 2. */
export const VECTORCHORD_RANGE = { min: "0.3.0", below: "2.0.0" } as const;

/** `<pg>-<vchord>` (cloudnative-vectorchord) or `<pg>-vectorchord<vchord>…` (Immich's postgres image). */
function tagVersions(image: string): { pg: number; vchord: string } | "no-tag" | undefined {
  const name = image.split("@")[0] ?? image;
  const colon = name.lastIndexOf(":");
  if (colon === -1 || colon < name.lastIndexOf("/")) return "no-tag";
  const tag = name.slice(colon + 1);
  const m = /^([0-9]+)-(?:vectorchord)?([0-9]+\.[0-9]+\.[0-9]+)(?:-|$)/.exec(tag);
  return m?.[1] && m[2] ? { pg: Number(m[1]), vchord: m[2] } : undefined;
}

export const vectorExtension: SpecRule = {
  name: "vector-extension",
  description: "The VectorChord version is in Immich's accepted range and matches an overridden database image.",
  needs: ["database", "targets"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    const { vectorVersion, postgresMajor } = spec.database;
    if (compare(vectorVersion, VECTORCHORD_RANGE.min) < 0 || compare(vectorVersion, VECTORCHORD_RANGE.below) >= 0) {
      out.push({
        path: ["database", "vectorVersion"],
        message: `Immich accepts VectorChord >=${VECTORCHORD_RANGE.min} <${VECTORCHORD_RANGE.below}, got ${vectorVersion}`,
      });
    }
    const image = spec.targets.kubernetes?.database.image;
    if (image === undefined) return out;
    const path = ["targets", "kubernetes", "database", "image"];
    const tag = tagVersions(image);
    if (tag === "no-tag") {
      out.push({ path, message: `expected a pinned tag <pgMajor>-<vectorVersion> such as :${postgresMajor}-${vectorVersion}, got an image without a tag` });
    } else if (tag === undefined) {
      out.push({
        path,
        severity: "warning",
        message: `cannot read the PostgreSQL major and VectorChord version from this tag; make sure it ships PostgreSQL ${postgresMajor} with VectorChord ${vectorVersion}`,
      });
    } else if (tag.pg !== postgresMajor || tag.vchord !== vectorVersion) {
      out.push({
        path,
        message: `the image tag says PostgreSQL ${tag.pg} with VectorChord ${tag.vchord}, but database.postgresMajor is ${postgresMajor} and database.vectorVersion is ${vectorVersion}; use the tag ${postgresMajor}-${vectorVersion} or change the database section`,
      });
    }
    return out;
  },
};
