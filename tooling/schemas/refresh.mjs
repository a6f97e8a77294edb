// Maintainers: download the vendored schemas again from the pinned upstream releases below.
// Change a pin, run `pnpm --filter @family/schemas refresh`, read the diff, run the tests, commit.
// The Immich config schemas are not downloaded: Immich publishes none (see README.md).
import { writeFile } from "node:fs/promises";

const CNPG_RELEASE = "v1.30.0";
const COMPOSE_SPEC_COMMIT = "a08f8d51631b7127ddac3d2c65537db429d0f1d0";

const files = [
  ...["clusters", "backups", "databases", "scheduledbackups"].map((crd) => ({
    to: `cnpg/postgresql.cnpg.io_${crd}.yaml`,
    from: `https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/${CNPG_RELEASE}/config/crd/bases/postgresql.cnpg.io_${crd}.yaml`,
  })),
  {
    to: "compose-spec/compose-spec.json",
    from: `https://raw.githubusercontent.com/compose-spec/compose-spec/${COMPOSE_SPEC_COMMIT}/schema/compose-spec.json`,
  },
];

for (const { to, from } of files) {
  const res = await fetch(from);
  if (!res.ok) throw new Error(`${from}: HTTP ${res.status}`);
  await writeFile(new URL(to, import.meta.url), await res.text());
  console.log(`${to} ← ${from}`);
}
