import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { firstLine, runTool } from "../_tool.js";

/** A wrapper around a dump: encryption or compression, peeled off one at a time. */
export type Layer = "gpg" | "gzip" | "zstd" | "bzip2" | "xz";
/** What is left once every layer is off: pg_dump's plain SQL, pg_dumpall's cluster script, or an archive for pg_restore. */
export type DumpKind = "plain" | "cluster" | "custom" | "tar";

const LAYER_WORDS: Record<Layer, string> = { gpg: "GPG-encrypted", gzip: "gzip", zstd: "zstd", bzip2: "bzip2", xz: "xz" };
const KIND_WORDS: Record<DumpKind, string> = {
  plain: "plain SQL (pg_dump)",
  cluster: "a cluster dump (pg_dumpall)",
  custom: "a custom-format archive (pg_dump -Fc)",
  tar: "a tar archive (pg_dump -Ft)",
};

/** "gpg-encrypted, zstd, plain SQL (pg_dump)". */
export function describeFormat(layers: readonly Layer[], kind: DumpKind): string {
  return [...layers.map((l) => LAYER_WORDS[l]), KIND_WORDS[kind]].join(", ");
}

/** Recognise a file by its first bytes, never by its name. */
export function sniff(head: Buffer): Layer | DumpKind | "empty" | "unknown" {
  if (head.length === 0) return "empty";
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return "gzip";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "zstd";
  if (starts(0x42, 0x5a, 0x68)) return "bzip2";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  const text = head.toString("latin1");
  if (text.startsWith("PGDMP")) return "custom";
  if (head.length > 262 && head.toString("latin1", 257, 262) === "ustar") return "tar";
  if (text.startsWith("-----BEGIN PGP MESSAGE-----")) return "gpg";
  const b = head[0] ?? 0;
  if (b & 0x80) {
    // An OpenPGP packet header: new format keeps the tag in the low six bits, old format in bits 2-5.
    const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
    if (tag === 3 || tag === 1) return "gpg";
  }
  if (/^\s*--\s*\n--\s*PostgreSQL database cluster dump/.test(text)) return "cluster";
  if (/^\s*--\s*\n--\s*PostgreSQL database dump/.test(text)) return "plain";
  return "unknown";
}

export async function readHead(path: string, bytes = 4096): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export type UnpackResult =
  | { readonly ok: true; readonly path: string; readonly layers: readonly Layer[]; readonly kind: DumpKind }
  | {
      readonly ok: false;
      readonly step: "format" | "decrypt" | "decompress";
      readonly layers: readonly Layer[];
      readonly detail: string;
      readonly fix: string;
    };

export interface UnpackOptions {
  /** Where the decrypted and decompressed stages are written; nothing is written anywhere else. */
  readonly scratch: string;
  /** The backup passphrase, when one is known; `passphraseName` says where it is looked up, for the fix. */
  readonly passphrase: string | undefined;
  readonly passphraseName: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal | undefined;
}

/** Peel the layers off `file` (decrypt with gpg, decompress with the writer's tool) until a dump is left. */
export async function unpack(file: string, o: UnpackOptions): Promise<UnpackResult> {
  const layers: Layer[] = [];
  let current = file;
  for (let step = 0; step < 4; step++) {
    const what = sniff(await readHead(current));
    if (what === "empty") {
      return {
        ok: false,
        step: layers.length === 0 ? "format" : "decompress",
        layers,
        detail: layers.length === 0 ? "the file is empty" : `the file is empty once ${layers.map((l) => LAYER_WORDS[l]).join(" and ")} is undone`,
        fix: "the backup job wrote nothing: read its log (docker compose logs) and take a new backup",
      };
    }
    if (what === "unknown") {
      return {
        ok: false,
        step: "format",
        layers,
        detail: "not a PostgreSQL dump: neither plain SQL, a pg_dump archive, gzip, zstd, bzip2, xz nor GPG",
        fix: "pass a backup the db-backup container or Immich wrote (--file), or take a new one",
      };
    }
    if (what === "plain" || what === "cluster" || what === "custom" || what === "tar") return { ok: true, path: current, layers, kind: what };
    const next = join(o.scratch, `stage-${step + 1}`);
    const failure = what === "gpg" ? await decrypt(current, next, o) : await decompress(what, current, next, o);
    layers.push(what);
    if (failure) return { ok: false, layers, ...failure };
    current = next;
  }
  return { ok: false, step: "format", layers, detail: "more than four layers of compression or encryption", fix: "pass the dump itself with --file" };
}

async function decrypt(from: string, to: string, o: UnpackOptions): Promise<{ step: "decrypt"; detail: string; fix: string } | undefined> {
  if (o.passphrase === undefined || o.passphrase === "") {
    return {
      step: "decrypt",
      detail: "the backup is GPG-encrypted and no passphrase was given",
      fix: `set ${o.passphraseName} (in the environment or the secrets env file) to the backups' passphrase`,
    };
  }
  // gpg as db-backup runs it (`gpg --batch --passphrase-fd 0 -c`, symmetric): a home of its own inside the scratch folder.
  const home = join(o.scratch, "gnupg");
  await mkdir(home, { recursive: true, mode: 0o700 });
  const r = await runTool(
    "gpg",
    ["--batch", "--yes", "--no-tty", "--quiet", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--output", to, "--decrypt", from],
    { env: o.env, signal: o.signal, input: { text: `${o.passphrase}\n` } },
  );
  await runTool("gpgconf", ["--homedir", home, "--kill", "all"], { env: o.env }).catch(() => undefined);
  if (r.missing) return { step: "decrypt", detail: "gpg is not installed", fix: "install GnuPG (Debian: apt-get install gnupg)" };
  if (r.code === 0) return undefined;
  const why = r.stderr
    .split("\n")
    .map((l) => l.replace(/^gpg:\s*/, "").trim())
    .filter((l) => l && !/^(AES|WARNING: no command supplied|encrypted with)/i.test(l));
  const bad = why.some((l) => /bad session key|bad passphrase|decryption failed/i.test(l));
  return bad
    ? {
        step: "decrypt",
        detail: `wrong passphrase: gpg says "${why.find((l) => /decryption failed|bad/i.test(l)) ?? "decryption failed"}"`,
        fix: `set ${o.passphraseName} to the passphrase the backups were made with (the db-backup container's DB01_ENCRYPT_PASSPHRASE)`,
      }
    : { step: "decrypt", detail: `gpg failed: ${why[0] ?? firstLine(r.stderr)}`, fix: "the file is damaged or truncated: take a new backup" };
}

const TOOLS: Record<Exclude<Layer, "gpg" | "gzip">, { command: string; args: string[]; install: string }> = {
  zstd: { command: "zstd", args: ["-d", "-q", "-c"], install: "zstd" },
  bzip2: { command: "bzip2", args: ["-d", "-c"], install: "bzip2" },
  xz: { command: "xz", args: ["-d", "-c"], install: "xz-utils" },
};

async function decompress(layer: Exclude<Layer, "gpg">, from: string, to: string, o: UnpackOptions) {
  const fix = "the file is truncated or damaged: take a new backup, and check the disk it is on";
  if (layer === "gzip") {
    try {
      await pipeline(createReadStream(from), createGunzip(), createWriteStream(to, { mode: 0o600 }), { signal: o.signal });
      return undefined;
    } catch (error) {
      return { step: "decompress" as const, detail: `gzip cannot decompress it: ${(error as Error).message}`, fix };
    }
  }
  const tool = TOOLS[layer];
  const r = await runTool(tool.command, [...tool.args, from], { env: o.env, signal: o.signal, stdoutFile: to });
  if (r.missing)
    return {
      step: "decompress" as const,
      detail: `${tool.command} is not installed`,
      fix: `install ${tool.install} (Debian: apt-get install ${tool.install})`,
    };
  if (r.code !== 0) return { step: "decompress" as const, detail: `${tool.command} cannot decompress it: ${firstLine(r.stderr).replace(/^.*?:\s*/, "")}`, fix };
  return undefined;
}
