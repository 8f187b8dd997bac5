import { SqlDatabase } from '@app/database';
import { ChainedMetadata, chainMetadata, EventData, EventMetadata, NewEvent, verifyChain } from '@app/event-store';
import { EVENTS_TABLE } from './event-store.migrations';

const MARKER = 'personal-data/002-seal-history';

export interface SealHistoryReport {
  /** False when an earlier run already did it (it runs once per database). */
  readonly ran: boolean;
  readonly streamsRewritten: number;
  readonly eventsRewritten: number;
  /** Streams left as they were: their chain was already broken, or an event could not be sealed. */
  readonly streamsSkipped: readonly string[];
}

interface Row {
  position: bigint;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: EventData;
  metadata: ChainedMetadata;
}

/**
 * The one-time migration of events written before the erasure seam (development data only): each
 * stream is read in order, its events go through `seal` (which seals what is personal and leaves
 * sealed values alone), and when anything changed the stream is rewritten and re-chained in one
 * transaction. A stream whose chain does not verify is left untouched (rewriting would hide it).
 * Runs at most once per database (recorded in `schema_migrations`); nothing else may write meanwhile.
 */
export async function sealStoredHistory(db: SqlDatabase, seal: (event: NewEvent) => Promise<NewEvent>): Promise<SealHistoryReport> {
  const done = await db.query('SELECT 1 FROM schema_migrations WHERE id = $1', [MARKER]);
  if (done.rowCount > 0) return { ran: false, streamsRewritten: 0, eventsRewritten: 0, streamsSkipped: [] };
  let streamsRewritten = 0;
  let eventsRewritten = 0;
  const streamsSkipped: string[] = [];
  const { rows: streams } = await db.query<{ stream: string }>(`SELECT DISTINCT stream FROM ${EVENTS_TABLE} ORDER BY stream`);
  for (const { stream } of streams) {
    const { rows } = await db.query<Row>(
      `SELECT position, id, stream, revision, type, schema_version, data, metadata FROM ${EVENTS_TABLE} WHERE stream = $1 ORDER BY revision`,
      [stream],
    );
    const recorded = rows.map((row) => ({ ...row, schemaVersion: row.schema_version }));
    if (!verifyChain(recorded).intact) {
      streamsSkipped.push(stream);
      continue;
    }
    const rewritten: Array<{ position: bigint; data: EventData; metadata: ChainedMetadata }> = [];
    let prevHash: string | null = null;
    try {
      for (const row of recorded) {
        const { prevHash: _prev, hash: _hash, ...written } = row.metadata;
        const sealed = await seal({
          id: row.id,
          type: row.type,
          schemaVersion: row.schemaVersion,
          data: row.data,
          metadata: written as EventMetadata,
        });
        const metadata = chainMetadata({ ...sealed, stream, revision: row.revision }, prevHash);
        if (rewritten.length > 0 || metadata.hash !== row.metadata.hash)
          rewritten.push({ position: row.position, data: sealed.data, metadata });
        prevHash = metadata.hash;
      }
    } catch {
      streamsSkipped.push(stream);
      continue;
    }
    if (rewritten.length === 0) continue;
    const last = recorded[recorded.length - 1];
    const applied = await db.transaction(async (tx) => {
      // Another starter did this stream meanwhile, or an append moved it: leave it.
      const { rows: head } = await tx.query<{ revision: number; hash: string }>(
        `SELECT revision, metadata->>'hash' AS hash FROM ${EVENTS_TABLE} WHERE stream = $1 ORDER BY revision DESC LIMIT 1 FOR UPDATE`,
        [stream],
      );
      if (head[0]?.revision !== last.revision || head[0]?.hash !== last.metadata.hash) return false;
      for (const event of rewritten) {
        await tx.query(`UPDATE ${EVENTS_TABLE} SET data = $2::jsonb, metadata = $3::jsonb WHERE position = $1`, [
          event.position,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ]);
      }
      return true;
    });
    if (!applied) {
      streamsSkipped.push(stream);
      continue;
    }
    streamsRewritten++;
    eventsRewritten += rewritten.length;
  }
  await db.query('INSERT INTO schema_migrations (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [MARKER]);
  return { ran: true, streamsRewritten, eventsRewritten, streamsSkipped };
}
