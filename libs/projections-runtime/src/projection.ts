import { SqlExecutor } from '@app/database';
import { MetadataField, RecordedEvent } from '@app/event-store';

/**
 * A table a projection owns. Readers query it by its logical `name` (a view over the generation that
 * is live); the projection writes to the physical table it is given, so a rebuild can fill a new
 * generation while the old one keeps serving, then switch the views in one transaction.
 */
export interface ProjectionTable {
  /** Logical name, e.g. `api_key_listing`: what queries use. */
  readonly name: string;
  /** DDL with `{{table}}` standing for the physical table name; several statements allowed. */
  readonly ddl: string;
  /**
   * Optional: DDL (with `{{table}}`) of the indexes that only readers use, never `apply` nor
   * `applyBatch`. A generation filled from zero gets them once it has caught up, just before the views
   * switch to it, instead of updating them at every batch (the first generation, whose views exist at
   * once, is read without them while it fills: it is incomplete then anyway). Write `CREATE INDEX IF
   * NOT EXISTS`: a restart between their creation and the switch creates them again.
   */
  readonly indexes?: string;
  /**
   * Optional, for a table whose rows follow from the projection's other tables: one statement that fills
   * it from them (`{{table}}` for it, `{{<logical name>}}` for another table). A generation filled from
   * zero behind the old views (a rebuild, a new version; not the very first, which is read while it
   * catches up) leaves the table out of the `tables` it hands to `apply` and `applyBatch` (which must then leave
   * it alone) until it has caught up, then fills it with this in one transaction, before its indexes and
   * the switch; from then on the folds write it as usual. For a table that the folds would otherwise
   * rewrite at every batch: the audit trail's streams, upserted about five times each in a rebuild,
   * took a quarter of the server's CPU (0.6 s of 2.5 for 200,000 events), the statement that derives
   * them from the trail about 0.1 s.
   */
  readonly fill?: string;
}

/** Logical table name -> physical table of the generation being written. */
export type TableNames = Readonly<Record<string, string>>;

export interface Projection {
  /** Stable, e.g. `api-key-listing`. */
  readonly name: string;
  /** Bump when `apply` or the tables change: the runtime rebuilds from zero in the background. */
  readonly version: number;
  readonly tables: readonly ProjectionTable[];
  /** Only events whose type starts with one of these (all events when undefined). */
  readonly eventTypePrefixes?: readonly string[];
  /**
   * False when the folds read no event's `data` (only its position, stream, revision, type and
   * metadata): the catch-up then reads the log without it (`ReadAllOptions.omitData`), and the events
   * it hands over may have an empty `data` at their stored schema version.
   */
  readonly readsData?: false;
  /**
   * The only metadata fields the folds read, when not all: the catch-up then reads the log without
   * the others (`ReadAllOptions.metadataFields`), and the events it hands over may lack them (`hash`,
   * `actor`, whatever their type says). The audit trail reads `accountId` and `occurredAt`: of a
   * 200,000-event rebuild's reads, half the client's CPU and a third of the server's went to the rest
   * (its rebuild's client CPU 10.3 -> 7.0 µs per event; 58,400 -> 64,800 events/s at load 2.3-2.6).
   * Declare every field a fold reads: the testbed's batches hand over only those (`asCaughtUp`).
   */
  readonly readsMetadata?: readonly MetadataField[];
  /**
   * Folds one event into the rows, inside the transaction that also stores the checkpoint. Must be
   * deterministic and idempotent in effect (replaying from zero gives the same rows); time comes from
   * the event (`metadata.occurredAt`), never from the clock.
   */
  apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void>;
  /**
   * Optional: the same effect as `apply` on each event in turn (position order), in a few statements
   * for the whole batch. Catch-up and rebuilds hand over up to 5,000 events at once (1,000 on PGlite),
   * and one statement per event is what bounds them: the API key listing rebuilt at 1,100 events/s that
   * way on PostgreSQL, 8,200 in batches (2 cores at load 25-30, `npm run bench -- projection-rebuild`),
   * 22,000 once the batches' own statements stayed bounded too (load 8), about 60,000 in batches of
   * 5,000 (load 2-5; see the README's rebuild rows).
   * Write each statement so that its cost follows the batch, not the table: a rebuild's tables are
   * never analysed while they fill, and a join the planner hashes over the whole table made every
   * batch slower than the one before.
   */
  applyBatch?(events: readonly RecordedEvent[], tx: SqlExecutor, tables: TableNames): Promise<void>;
}

/** Folds events (in position order) into the projection's rows: in one batch when it has `applyBatch`. */
export async function applyEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  tx: SqlExecutor,
  tables: TableNames,
): Promise<void> {
  if (events.length === 0) return;
  if (projection.applyBatch) return projection.applyBatch(events, tx, tables);
  for (const event of events) await projection.apply(event, tx, tables);
}

/**
 * The event as the catch-up may hand it to the projection: without data when it reads none, with only
 * the metadata it reads. What the testbed's batches fold, so that a fold reading what its projection
 * does not declare fails its specs.
 */
export function asCaughtUp(projection: Projection, event: RecordedEvent): RecordedEvent {
  const fields = projection.readsMetadata;
  if (projection.readsData !== false && fields === undefined) return event;
  const metadata = fields
    ? (Object.fromEntries(
        Object.entries(event.metadata).filter(([field]) => fields.includes(field as MetadataField)),
      ) as RecordedEvent['metadata'])
    : event.metadata;
  return { ...event, data: projection.readsData === false ? {} : event.data, metadata };
}

export function physicalTableName(logical: string, generation: number): string {
  return `${logical}__g${generation}`;
}

/** The table's DDL for `physical`, with its reader-only `indexes` unless they are `deferred`. */
export function renderDdl(table: ProjectionTable, physical: string, options: { readonly deferIndexes?: boolean } = {}): string {
  const ddl = table.ddl.split('{{table}}').join(physical);
  return options.deferIndexes || !table.indexes ? ddl : `${ddl};\n${renderIndexes(table, physical)}`;
}

/** The table's `fill` for the generation's physical `tables` (empty when it declares none). */
export function renderFill(table: ProjectionTable, tables: TableNames): string {
  let sql = (table.fill ?? '').split('{{table}}').join(tables[table.name]);
  for (const [logical, physical] of Object.entries(tables)) sql = sql.split(`{{${logical}}}`).join(physical);
  return sql;
}

/** The generation's tables without those a `fill` derives: what the folds write while it fills from zero. */
export function withoutFilledTables(projection: Projection, tables: TableNames): TableNames {
  return Object.fromEntries(Object.entries(tables).filter(([logical]) => !projection.tables.some((t) => t.name === logical && t.fill)));
}

/** The table's reader-only indexes for `physical` (empty when it declares none). */
export function renderIndexes(table: ProjectionTable, physical: string): string {
  return (table.indexes ?? '').split('{{table}}').join(physical);
}
