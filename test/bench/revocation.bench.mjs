// Revocation propagation across api instances: two built api processes (dist/apps/api/main.js) on one
// throwaway PostgreSQL database; CHANGES keys, each verified once on instance B (so B has it cached),
// then revoked through instance A (`POST /v1/api-keys/:id/revoke`) and `POST /v1/keys/verify` polled on
// B until it answers 401, one request after the other. The delay is from sending the revocation; p99 next
// to the seed's 60-second promise. Printed beside it, the same split where A answered: the command on A,
// and what follows its commit (the notification, B's read of the log, B reloading the key). Needs DATABASE_URL (or BENCH_DATABASE_URL); without it the figure says skipped.
//
// Run with `npm run bench -- revocation` (builds first). BENCH_CHANGES (default 200).
import { createKey, json, signedInHolder, startApi, verifyStatus } from './support/apps.mjs';
import { withThrowawayDatabase } from './support/databases.mjs';
import { figure, skippedFigure } from './support/report.mjs';
import { percentile } from './support/stats.mjs';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const API_ENV = { env: { RATE_LIMIT_PER_MINUTE: '1000000' } };

if (!SERVER_URL) {
  console.log('revocation propagation: skipped (DATABASE_URL is not set)');
  skippedFigure('revocation propagation A -> B, p99', 'ms', 'DATABASE_URL is not set');
} else {
  await withThrowawayDatabase(SERVER_URL, 'bench_revocation', async (url) => {
    const a = await startApi(url, API_ENV);
    const b = await startApi(url, API_ENV);
    try {
      const holder = await signedInHolder(a.base, 'revocation');
      const delays = [];
      const commands = [];
      const afterCommit = [];
      for (let i = 0; i < CHANGES; i++) {
        const issued = await createKey(a.base, holder, `revocation-${i}`, ['chat']);
        // B must know the key first, or there is nothing to propagate
        for (let waited = performance.now(); (await verifyStatus(b.base, issued.key)) !== 200;) {
          if (performance.now() - waited > 30_000) throw new Error('instance B never accepted the new key');
          await new Promise((r) => setTimeout(r, 2));
        }
        const started = performance.now();
        await json(`${a.base}/v1/api-keys/${issued.id}/revoke`, { method: 'POST', headers: holder.auth });
        const answered = performance.now();
        while ((await verifyStatus(b.base, issued.key)) !== 401) {
          if (performance.now() - started > 60_000) throw new Error('instance B still accepts a revoked key after 60 s');
        }
        const refused = performance.now();
        delays.push(refused - started);
        commands.push(answered - started);
        afterCommit.push(refused - answered);
      }
      const p99 = percentile(delays, 0.99);
      console.log(
        `revocation on A, verify polled on B (PostgreSQL), ${CHANGES} changes: median ${percentile(delays, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`,
      );
      console.log(
        `  the command on A: median ${percentile(commands, 0.5).toFixed(1)} ms, p99 ${percentile(commands, 0.99).toFixed(1)} ms; after A answered: median ${percentile(afterCommit, 0.5).toFixed(1)} ms, p99 ${percentile(afterCommit, 0.99).toFixed(1)} ms`,
      );
      figure({
        name: 'revocation propagation A -> B, p99',
        value: p99,
        unit: 'ms',
        baseline: "the seed's 60-second promise",
        baselineValue: 60000,
        aim: { op: '<', value: 100 },
        store: 'PostgreSQL',
        note: `${CHANGES} changes; median ${percentile(delays, 0.5).toFixed(1)} ms; after A answered p99 ${percentile(afterCommit, 0.99).toFixed(1)} ms`,
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
}
