// A separate process running one album sync, so a test can kill it hard (SIGKILL) mid-run.
import type { ImmichFamilySpec } from "@family/immich-spec";
import { reconcileAlbums } from "../src/albums/reconcile.js";

const spec = JSON.parse(process.env.SYNC_SPEC ?? "{}") as ImmichFamilySpec;
const report = await reconcileAlbums({ spec, baseUrl: process.env.SYNC_URL ?? "", env: process.env, apply: true, concurrency: 1 });
process.stdout.write(JSON.stringify({ ok: report.ok }));
