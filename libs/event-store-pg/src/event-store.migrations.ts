import { Migration } from '@app/database';

export const EVENTS_TABLE = 'event_store_events';
export const APPENDED_CHANNEL = 'event_store_appended';

/** Arbitrary key of the advisory lock that serialises position allocation (not the appends). */
const ALLOCATION_LOCK_KEY = 814_112_101;

/**
 * One table. `position` comes from `event_store_allocate_positions`, never from a column default:
 * that function hands out the transaction id and a contiguous block of positions under one short
 * lock, so among appenders a lower transaction id always means lower positions. Readers of the
 * global log rely on that (see README.md, "Ordering").
 */
export const eventStoreMigrations: readonly Migration[] = [
  {
    id: 'event-store-pg/001-events',
    sql: `
      CREATE SEQUENCE event_store_position AS bigint START WITH 1 CACHE 1;

      CREATE TABLE ${EVENTS_TABLE} (
        position       bigint      PRIMARY KEY,
        transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
        id             uuid        NOT NULL,
        stream         text        NOT NULL,
        revision       integer     NOT NULL CHECK (revision >= 0),
        type           text        NOT NULL,
        schema_version integer     NOT NULL,
        data           jsonb       NOT NULL,
        metadata       jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_store_events_id_key UNIQUE (id),
        CONSTRAINT event_store_events_stream_revision_key UNIQUE (stream, revision)
      );

      -- Returns the last of event_count new contiguous positions, after giving the calling transaction
      -- its id. Both happen under an advisory lock taken in a subtransaction that is rolled back on
      -- purpose: that releases the lock at once (not at commit) yet keeps the transaction id and the
      -- sequence values, which are not transactional. An error anywhere releases the lock too.
      CREATE FUNCTION event_store_allocate_positions(event_count integer) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE
        last_position bigint;
      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'an event store append must be the first write of its transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        BEGIN
          PERFORM pg_advisory_xact_lock(${ALLOCATION_LOCK_KEY});
          PERFORM pg_current_xact_id();
          last_position := setval('event_store_position', nextval('event_store_position') + event_count - 1);
          RAISE EXCEPTION USING ERRCODE = 'ESREL';
        EXCEPTION WHEN SQLSTATE 'ESREL' THEN
          NULL;
        END;
        RETURN last_position;
      END $$;
    `,
  },
  {
    // lz4 where the server has it (PGlite has not): a usage event's data is 5 KB, compressed at every
    // append; with pglz that compression was 11% of the server's CPU under the usage bench (perf,
    // 2 cores), lz4 compresses several times faster. Rows already stored keep their compression.
    id: 'event-store-pg/002-lz4-compression',
    sql: `
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
          ALTER TABLE ${EVENTS_TABLE} ALTER COLUMN data SET COMPRESSION lz4, ALTER COLUMN metadata SET COMPRESSION lz4;
        END IF;
      END $$;
    `,
  },
];
