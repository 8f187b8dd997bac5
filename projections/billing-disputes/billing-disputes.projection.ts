import { SqlExecutor } from '@app/database';
import { assertNever } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * BillingDisputes: one row per dispute, for the holder's list and the billing team's queue (overdue
 * first). `overdue` is not stored: it is computed when read from `respond_by`, the status and the clock.
 * The events are the billing context's stored schema, declared here as this read model reads them.
 */
export const BILLING_DISPUTES_TABLE = 'billing_disputes';

export const billingDisputesEventTypes = ['billing.dispute_opened', 'billing.dispute_answered', 'billing.dispute_resolved'] as const;

type DisputeEvent =
  | {
      type: 'billing.dispute_opened';
      data: {
        disputeId: string;
        accountId: string;
        invoiceNumber: string | null;
        chargeRef: string | null;
        description: string;
        respondBy: string;
      };
    }
  | { type: 'billing.dispute_answered'; data: { disputeId: string; answerId: string; message: string } }
  | { type: 'billing.dispute_resolved'; data: { disputeId: string; outcome: string; creditMicros: number } };

function isDisputeEvent(event: RecordedEvent): event is RecordedEvent & DisputeEvent {
  return (billingDisputesEventTypes as readonly string[]).includes(event.type);
}

export const billingDisputesProjection: Projection = {
  name: 'billing-disputes',
  version: 1,
  eventTypePrefixes: ['billing.dispute_'],
  tables: [
    {
      name: BILLING_DISPUTES_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          dispute_id text PRIMARY KEY,
          account_id text NOT NULL,
          invoice_number text,
          charge_ref text,
          description text NOT NULL,
          status text NOT NULL,
          respond_by timestamptz NOT NULL,
          created_at timestamptz NOT NULL,
          answers jsonb NOT NULL DEFAULT '[]'::jsonb,
          outcome text,
          credit_micros bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX {{table}}_by_account ON {{table}} (account_id, created_at DESC, dispute_id);
        CREATE INDEX {{table}}_queue ON {{table}} (status, respond_by, dispute_id);`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    if (!isDisputeEvent(event)) return;
    const table = tables[BILLING_DISPUTES_TABLE];
    const at = event.metadata.occurredAt;
    const dispute = event as DisputeEvent;
    switch (dispute.type) {
      case 'billing.dispute_opened': {
        const { disputeId, accountId, invoiceNumber, chargeRef, description, respondBy } = dispute.data;
        await tx.query(
          `INSERT INTO ${table} (dispute_id, account_id, invoice_number, charge_ref, description, status, respond_by, created_at)
           VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) ON CONFLICT (dispute_id) DO NOTHING`,
          [disputeId, accountId, invoiceNumber, chargeRef, description, respondBy, at],
        );
        return;
      }
      case 'billing.dispute_answered': {
        const answer = JSON.stringify([{ id: dispute.data.answerId, message: dispute.data.message, at }]);
        // Appended once: a replay of the same answer (same id) changes nothing.
        await tx.query(
          `UPDATE ${table} SET answers = answers || $2::jsonb,
             status = CASE WHEN status = 'resolved' THEN status ELSE 'answered' END
           WHERE dispute_id = $1 AND NOT answers @> $3::jsonb`,
          [dispute.data.disputeId, answer, JSON.stringify([{ id: dispute.data.answerId }])],
        );
        return;
      }
      case 'billing.dispute_resolved':
        await tx.query(`UPDATE ${table} SET status = 'resolved', outcome = $2, credit_micros = $3 WHERE dispute_id = $1`, [
          dispute.data.disputeId,
          dispute.data.outcome,
          dispute.data.creditMicros,
        ]);
        return;
      default:
        assertNever(dispute);
    }
  },
};
