import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile } from "node:fs/promises";

/** What db-backup's `DB01_CHECKSUM` writes beside a backup: `sha1sum`/`md5sum` output, `<hex>  <name>`. */
const SIDECARS = [
  { ext: "sha1", algorithm: "sha1", hexLength: 40 },
  { ext: "md5", algorithm: "md5", hexLength: 32 },
] as const;

export type ChecksumResult =
  | { readonly status: "match"; readonly algorithm: string; readonly sidecar: string }
  | { readonly status: "mismatch"; readonly algorithm: string; readonly sidecar: string; readonly expected: string; readonly actual: string }
  | { readonly status: "unreadable"; readonly sidecar: string; readonly detail: string }
  | { readonly status: "none" };

/** Hash a file as a stream (a dump may be gigabytes). */
export function hashFile(path: string, algorithm: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(path)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** Check a backup against its `.sha1` (or `.md5`) file, as `sha1sum -c` would. */
export async function verifyChecksum(path: string): Promise<ChecksumResult> {
  for (const { ext, algorithm, hexLength } of SIDECARS) {
    const sidecar = `${path}.${ext}`;
    const info = await lstat(sidecar).catch(() => undefined);
    if (!info) continue;
    if (!info.isFile() || info.size > 4096) return { status: "unreadable", sidecar, detail: "not a small regular file" };
    const text = await readFile(sidecar, "utf8");
    const expected = new RegExp(`^([0-9a-fA-F]{${hexLength}})\\b`).exec(text.trim())?.[1]?.toLowerCase();
    if (!expected) return { status: "unreadable", sidecar, detail: `no ${algorithm.toUpperCase()} sum in it` };
    const actual = await hashFile(path, algorithm);
    return actual === expected ? { status: "match", algorithm, sidecar } : { status: "mismatch", algorithm, sidecar, expected, actual };
  }
  return { status: "none" };
}
