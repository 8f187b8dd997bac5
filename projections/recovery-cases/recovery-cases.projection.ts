import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * RecoveryCaseQueue: one row per recovery case, for support's queue (overdue first). No personal data:
 * the request itself (addresses, subject, body) is read from the case's stream when a case is opened.
 * The events it folds are the recovery context's stored schema, declared here as this read model reads
 * them, so that the context can register this projection without an import cycle.
 */
export const RECOVERY_CASES_TABLE = 'recovery_cases';

type QueueEvent =
  | {
      type: 'recovery.case_opened';
      data: { caseId: string; accountId: string; lost: string; senderMatchesAccount: boolean; dueBy: string };
    }
  | { type: 'recovery.case_approved' | 'recovery.case_denied'; data: Record<string, unknown> };

const caseIdOf = (stream: string): string => stream.slice('recovery_case-'.length);

export const recoveryCasesProjection: Projection = {
  name: 'recovery-cases',
  version: 1,
  eventTypePrefixes: ['recovery.case_'],
  tables: [
    {
      name: RECOVERY_CASES_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          case_id text PRIMARY KEY,
          account_id text NOT NULL,
          status text NOT NULL,
          lost text NOT NULL,
          sender_matches_account boolean NOT NULL,
          opened_at timestamptz NOT NULL,
          due_by timestamptz NOT NULL,
          decided_at timestamptz
        );
        CREATE INDEX {{table}}_queue ON {{table}} (status, due_by, case_id);`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    const table = tables[RECOVERY_CASES_TABLE];
    const queued = event as unknown as QueueEvent;
    const at = event.metadata.occurredAt;
    if (queued.type === 'recovery.case_opened') {
      const { caseId, accountId, lost, senderMatchesAccount, dueBy } = queued.data;
      await tx.query(
        `INSERT INTO ${table} (case_id, account_id, status, lost, sender_matches_account, opened_at, due_by)
         VALUES ($1, $2, 'open', $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING`,
        [caseId, accountId, lost, senderMatchesAccount, at, dueBy],
      );
    } else if (queued.type === 'recovery.case_approved' || queued.type === 'recovery.case_denied') {
      const status = queued.type === 'recovery.case_approved' ? 'approved' : 'denied';
      await tx.query(`UPDATE ${table} SET status = $2, decided_at = COALESCE(decided_at, $3) WHERE case_id = $1`, [
        caseIdOf(event.stream),
        status,
        at,
      ]);
    }
  },
};
