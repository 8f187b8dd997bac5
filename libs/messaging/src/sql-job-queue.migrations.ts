import { Migration } from '@app/database';

/**
 * `jobs`: one row per job id of a queue (the primary key is the deduplication). `state` is `waiting`
 * (due at `run_at`; reported as delayed until then), `active` (claimed until `locked_until` by the
 * claim `lock_token`), `completed` (kept for the retention window) or `failed` (kept until retried).
 */
export const sqlJobQueueMigrations: readonly Migration[] = [
  {
    id: 'messaging/001-jobs',
    sql: `
      CREATE TABLE jobs (
        queue             text        NOT NULL,
        id                text        NOT NULL,
        name              text        NOT NULL,
        payload           jsonb,
        state             text        NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'failed')),
        attempts_made     integer     NOT NULL DEFAULT 0,
        max_attempts      integer     NOT NULL CHECK (max_attempts >= 1),
        backoff_type      text        NOT NULL CHECK (backoff_type IN ('fixed', 'exponential')),
        backoff_delay_ms  bigint      NOT NULL,
        run_at            timestamptz NOT NULL,
        locked_until      timestamptz,
        lock_token        text,
        last_error        text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        finished_at       timestamptz,
        PRIMARY KEY (queue, id)
      );
      -- Claiming (due waiting jobs, expired active ones), counts and the failed list of one queue.
      CREATE INDEX jobs_by_state ON jobs (queue, state, run_at);
      -- Forgetting completed jobs past the retention window, across queues.
      CREATE INDEX jobs_completed_at ON jobs (finished_at) WHERE state = 'completed';
    `,
  },
];
