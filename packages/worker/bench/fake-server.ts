// The fake Immich for the poll bench, in its own process so the worker's RSS and CPU are measured alone.
// Prints {"url","key"} once, then "scan <epoch ms>" for each scan request it answers.
import { createFakeImmich } from "@family/fake-immich";

const fake = await createFakeImmich();
fake.jobs.pause(); // the bench measures detection, not the fake's import of 100,000 files
const key = fake.addApiKey(fake.addUser({ email: "ann@example.com", isAdmin: true }));
process.stdout.write(`${JSON.stringify({ url: fake.url, key })}\n`);
let seen = 0;
setInterval(() => {
  for (; seen < fake.requests.length; seen++) {
    const r = fake.requests[seen]!;
    if (r.path.endsWith("/scan") && r.status === 204) process.stdout.write(`scan ${Date.now()}\n`);
  }
}, 2);
process.on("SIGTERM", () => {
  void fake.close().then(() => process.exit(0));
});
