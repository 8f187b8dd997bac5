import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AccountHistory } from '@app/audit';
import { Runtime } from '@app/core';
import { ReadSide } from '@app/projections';
import { CliResult } from './cli-command';

type Command = (runtime: Runtime, readSide: ReadSide, args: string[]) => Promise<CliResult>;

export const AUDIT_USAGE = `  audit replay <accountId> [asOf]   the account's state as of an instant (ISO 8601; now when left out), as JSON
  audit export <accountId> <file>   every stored event of the account as NDJSON into <file> (hashes included), verifiable offline
  audit verify <accountId>          check every hash chain of the account; exit 3 when one is broken`;

/** The audit trail is a projection: bring it up to the end of the log before reading it. */
async function history(runtime: Runtime, readSide: ReadSide, accountId: string | undefined): Promise<AccountHistory> {
  if (!accountId) throw new Error('name the account');
  const { AccountHistory } = await import('@app/audit');
  const runner = readSide.projection('audit-trail');
  await runner.start();
  for (;;) {
    const status = await runner.status();
    if (status.failed) throw new Error(`audit-trail: ${status.failed}`);
    if (status.lag === 0 && status.rebuilding === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await runner.stop();
  const found = new AccountHistory(runtime.db, runtime.eventStore);
  if (!(await found.known(accountId))) throw new Error(`no event concerns account ${accountId}`);
  return found;
}

export const auditCommands: Record<string, Command> = {
  'audit replay': async (runtime, readSide, [accountId, asOf]) => {
    const trail = await history(runtime, readSide, accountId);
    const { AccountStateReplay } = await import('@app/audit');
    const instant = asOf ? new Date(asOf) : runtime.clock.now();
    if (Number.isNaN(instant.getTime())) throw new Error(`not an instant: ${asOf}`);
    const state = await new AccountStateReplay(trail, runtime.config).stateAt(accountId, instant);
    return { data: state, text: JSON.stringify(state, null, 2) };
  },
  'audit export': async (runtime, readSide, [accountId, file]) => {
    if (!file) throw new Error('name the file to write');
    const trail = await history(runtime, readSide, accountId);
    const { exportLine } = await import('@app/audit');
    const out = createWriteStream(file);
    let lines = 0;
    for await (const batch of trail.batches(accountId, {}, { raw: true })) {
      if (!out.write(batch.map(exportLine).join(''))) await once(out, 'drain');
      lines += batch.length;
    }
    out.end();
    await once(out, 'finish');
    return { data: { file, events: lines }, text: `${file}: ${lines} events` };
  },
  'audit verify': async (runtime, readSide, [accountId]) => {
    const trail = await history(runtime, readSide, accountId);
    const { AccountChains } = await import('@app/audit');
    const report = await new AccountChains(trail).verify(accountId);
    return { data: report, text: JSON.stringify(report), exitCode: report.intact ? 0 : 3 };
  },
};
