import { SqlDatabase, SqlExecutor } from '@app/database';
import { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import {
  applyEvents,
  physicalTableName,
  Projection,
  renderDdl,
  renderFill,
  renderIndexes,
  TableNames,
  withoutFilledTables,
} from './projection';
import { restartDelayMs } from './restart-delay';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly generation: number;
  /** Position of the last event applied by the generation that serves reads. */
  readonly position: string;
  /** Matching events not applied yet (capped at `LAG_CAP`; `LAG_CAP` means "at least"). */
  readonly lag: number;
  /** When the oldest event not applied yet occurred (absent without lag): how far behind, in time. */
  readonly oldestPendingAt?: string;
  readonly rebuilding?: { readonly generation: number; readonly version: number; readonly position: string };
  readonly failed?: string;
}

export const LAG_CAP = 1_000;
/**
 * Events per catch-up transaction (one `applyBatch` each). On a server, 5,000: a batch's round trips and
 * per-statement costs are paid a fifth as often, and readers are not held up by the longer transaction
 * (200,000 events, 2 cores at load 7-8: the API key listing rebuilt at 44,000 events/s in batches of
 * 1,000, 56,000 in 5,000; the audit trail 35,000 and 40,000; 10,000 or 20,000 gave no more). PGlite
 * runs one transaction at a time and every other query waits for it: there a batch stays at 1,000 (in
 * 5,000 an audit-trail batch held it about 170 ms, for a listing rebuilt at 56,000 events/s instead of
 * 43,000 and an audit trail no faster).
 */
function catchUpBatchSize(driver: SqlDatabase['driver']): number {
  return driver === 'pglite' ? 1_000 : 5_000;
}

interface GenerationRow {
  generation: number;
  version: number;
  position: bigint;
}

function tableNames(projection: Projection, generation: number): TableNames {
  return Object.fromEntries(projection.tables.map((table) => [table.name, physicalTableName(table.name, generation)]));
}

/**
 * Runs one projection: follows the log into the live generation, or fills a new generation from zero
 * (first start, a version change, or an operator's rebuild) and, once it has caught up, points the
 * views at it in one transaction and drops the old tables. Safe with several runners of the same
 * projection: the checkpoint row is locked and compared before an event is applied.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private target?: GenerationRow;
  private failure?: Error;
  private stopped = false;
  private switching?: Promise<void>;
  private refollowing = false;
  private following?: Promise<void>;
  private consecutiveFailures = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly projection: Projection,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  async start(): Promise<void> {
    await this.ensureTables();
    const active = await this.activeGeneration();
    if (active && active.version === this.projection.version) {
      const pending = await this.pendingRebuild(active.generation);
      this.follow(pending ?? (await this.generation(active.generation)));
      return;
    }
    // First start or a new version: resume a build a restart interrupted, or begin one from zero.
    const pending = await this.pendingRebuild(active?.generation ?? 0);
    this.follow(pending ?? (await this.createGeneration(await this.nextGenerationNumber(), false)));
  }

  /**
   * Makes sure the logical tables exist (generation 1 behind the views) so that processes which only
   * read (api instances) can start before the worker has ever run. Serialised across processes.
   */
  async ensureTables(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`projection:${this.projection.name}`]);
      const { rows } = await tx.query(
        'SELECT 1 FROM projection_generations WHERE name = $1 UNION ALL SELECT 1 FROM projection_active WHERE name = $1',
        [this.projection.name],
      );
      if (rows.length === 0) await this.createGenerationIn(tx, 1, true);
    });
  }

  /** Fills a fresh generation from zero; the current one keeps serving reads until the switch. */
  async rebuild(): Promise<void> {
    await this.stopFollowing();
    this.stopped = false;
    this.follow(await this.createGeneration(await this.nextGenerationNumber(), false));
  }

  private async nextGenerationNumber(): Promise<number> {
    const { rows } = await this.db.query<{ max: number | null }>(
      `SELECT greatest((SELECT max(generation) FROM projection_generations WHERE name = $1),
                       (SELECT generation FROM projection_active WHERE name = $1)) AS max`,
      [this.projection.name],
    );
    return (rows[0]?.max ?? 0) + 1;
  }

  private async refollow(): Promise<void> {
    if (this.stopped || this.refollowing) return;
    this.refollowing = true;
    try {
      await this.stopFollowing();
      if (!this.stopped) await this.start();
    } catch (error) {
      this.failure = error as Error;
      this.consecutiveFailures++;
      this.onError(error as Error);
      this.restartTimer = setTimeout(() => void this.refollow(), restartDelayMs(this.consecutiveFailures));
    } finally {
      this.refollowing = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.stopFollowing();
    await this.switching;
  }

  async status(): Promise<ProjectionStatus> {
    // One query, so a switch happening meanwhile cannot show a generation that was just dropped.
    const { rows } = await this.db.query<GenerationRow & { active: boolean }>(
      `SELECT g.generation, g.version, g.position, (a.generation IS NOT NULL) AS active
       FROM projection_generations g LEFT JOIN projection_active a ON a.name = g.name AND a.generation = g.generation
       WHERE g.name = $1`,
      [this.projection.name],
    );
    const served = rows.find((row) => row.active);
    const target = this.target;
    const rebuilding =
      target && target.generation !== served?.generation ? rows.find((row) => row.generation === target.generation) : undefined;
    // As a reaction's lag: counted from where the live subscription of the served generation has looked,
    // so a projection whose events are rare does not read the log from its last one at every scrape.
    const caughtUpTo = target?.generation === served?.generation ? (this.subscription?.caughtUpTo?.() ?? 0n) : 0n;
    const pending =
      served && !rebuilding
        ? await this.store.readAll({
            after: caughtUpTo > served.position ? caughtUpTo : served.position,
            maxCount: LAG_CAP,
            typePrefixes: this.projection.eventTypePrefixes,
          })
        : [];
    return {
      name: this.projection.name,
      version: served?.version ?? this.projection.version,
      generation: served?.generation ?? 0,
      position: (served?.position ?? 0n).toString(),
      lag: rebuilding || !served ? LAG_CAP : pending.length,
      ...(pending.length > 0 ? { oldestPendingAt: pending[0].metadata.occurredAt } : {}),
      ...(rebuilding
        ? { rebuilding: { generation: rebuilding.generation, version: rebuilding.version, position: rebuilding.position.toString() } }
        : {}),
      ...(this.failure ? { failed: this.failure.message } : {}),
    };
  }

  private follow(target: GenerationRow): void {
    this.target = target;
    this.failure = undefined;
    const tables = tableNames(this.projection, target.generation);
    this.following = (async () => {
      // Catch up in batches (one transaction per batch), then follow live one event at a time and, for a
      // generation not active yet, switch to it: before the catch-up has read an empty batch there is
      // nothing to check (the check is three queries, every 100 ms, on the connections the catch-up uses).
      if (!(await this.catchUpInBatches(target, tables))) return;
      if (this.stopped || this.target !== target) return;
      this.subscription = this.store.subscribeToAll(
        { after: target.position, typePrefixes: this.projection.eventTypePrefixes },
        async (event) => {
          await this.applyBatch([event], target, tables);
          this.consecutiveFailures = 0;
          this.failure = undefined;
        },
      );
      const subscription = this.subscription;
      void subscription.failed.then((error) => {
        if (this.stopped || this.subscription !== subscription) return;
        this.failure = error;
        this.consecutiveFailures++;
        this.onError(error);
        // Follow again from the stored checkpoint once the dependency had time to come back.
        this.restartTimer = setTimeout(() => void this.refollow(), restartDelayMs(this.consecutiveFailures));
      });
      void this.switchWhenCaughtUp(target);
    })();
  }

  /**
   * Resolves false when the generation was switched away meanwhile (the runner then re-follows). The
   * next batch is read while the current one is applied: the read and the writes take about as long
   * as each other, on different connections.
   */
  private async catchUpInBatches(target: GenerationRow, tables: TableNames): Promise<boolean> {
    const maxCount = catchUpBatchSize(this.db.driver);
    const read = (after: bigint) => {
      const batch = this.store.readAll({
        after,
        maxCount,
        typePrefixes: this.projection.eventTypePrefixes,
        omitData: this.projection.readsData === false,
        metadataFields: this.projection.readsMetadata,
      });
      batch.catch(() => undefined); // a failed read ahead is seen when awaited, not as an unhandled rejection
      return batch;
    };
    let failures = 0;
    let next = read(target.position);
    // A generation that is not the active one yet (a rebuild, or the very first fill, incomplete anyway)
    // commits its batches without waiting for the WAL flush: a server crash can then lose the last
    // batches, but each with its checkpoint (one transaction), so they are applied again; the switch's
    // commit waits, and flushes them all.
    // About 2.3 ms per commit on this machine's disk, 0.5 s of a 200,000-event rebuild. PGlite runs with
    // fsync off: nothing to wait for there.
    let flushed: boolean | undefined;
    while (!this.stopped && this.target === target) {
      try {
        flushed ??= this.db.driver === 'pglite' || (await this.activeGeneration())?.generation === target.generation;
        const batch = await next;
        if (batch.length === 0) {
          await this.fillPendingTables(target, tables);
          return true;
        }
        next = read(batch[batch.length - 1].position);
        if (!(await this.applyBatch(batch, target, tables, { flushed }))) return false;
        failures = 0;
        this.failure = undefined;
      } catch (error) {
        failures++;
        this.failure = error as Error;
        if (failures === 1) this.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)));
        next = read(target.position);
      }
    }
    return false;
  }

  /**
   * Applies events (in position order) with the checkpoint in one transaction; false if the generation
   * is gone. `flushed: false` commits without waiting for the WAL flush (see `catchUpInBatches`).
   */
  private async applyBatch(
    events: readonly RecordedEvent[],
    target: GenerationRow,
    tables: TableNames,
    options: { readonly flushed: boolean } = { flushed: true },
  ): Promise<boolean> {
    const last = events[events.length - 1].position;
    // The checkpoint moved to the batch's last event and read as it was, in one statement under the
    // row's lock: a read then a write cost each event of the live path one more statement (two per
    // sign-in on the embedded default, which projects it in the request's process).
    // Whether the tables a `fill` derives are still left out comes with it, read under the same lock.
    // It goes with the BEGIN (`first`): on a server one round trip less per batch, two per sign-in (its
    // two projections): 17 -> 15 statements per sign-in, api's and worker's, and 4.5 -> 4.1 ms of
    // backend CPU per sign-in (means of 8 runs each at cost 12, alternated, load 2-4: noisy).
    const checkpoint = {
      sql: `UPDATE projection_generations AS g SET position = $3, updated_at = now()
            FROM (SELECT position FROM projection_generations WHERE name = $1 AND generation = $2 FOR UPDATE) AS before
            WHERE g.name = $1 AND g.generation = $2 AND before.position < $3
            RETURNING before.position, g.fill_pending`,
      params: [this.projection.name, target.generation, last],
    };
    const applied = await this.db.transaction<bigint | undefined, { position: bigint; fill_pending: boolean }>(
      async (tx, { rows: moved }) => {
        if (!options.flushed) await tx.exec('SET LOCAL synchronous_commit = off');
        if (moved.length === 0) {
          // The generation is gone, or its checkpoint is at or past the batch already: nothing to apply.
          const { rows } = await tx.query<{ position: bigint }>(
            'SELECT position FROM projection_generations WHERE name = $1 AND generation = $2',
            [this.projection.name, target.generation],
          );
          return rows[0]?.position;
        }
        const before = moved[0].position;
        await applyEvents(
          this.projection,
          events.filter((event) => event.position > before),
          tx,
          moved[0].fill_pending ? withoutFilledTables(this.projection, tables) : tables,
        );
        return last;
      },
      { first: checkpoint },
    );
    if (applied === undefined) {
      // Another process (an operator's rebuild) switched generations and dropped ours: follow the new one.
      setImmediate(() => void this.refollow());
      return false;
    }
    target.position = applied;
    return true;
  }

  /** A generation that is not active yet is switched to once it has nothing left to apply. */
  private async switchWhenCaughtUp(target: GenerationRow): Promise<void> {
    while (!this.stopped && this.target === target) {
      const active = await this.activeGeneration().catch(() => undefined);
      if (active?.generation === target.generation) return;
      const current = await this.generation(target.generation).catch(() => undefined);
      if (current) {
        const pending = await this.store
          .readAll({ after: current.position, maxCount: 1, typePrefixes: this.projection.eventTypePrefixes })
          .catch(() => [undefined]);
        if (pending.length === 0) {
          // A failure (the database gone a moment) is reported and the switch tried again.
          const switching = this.switchTo(target.generation, active?.generation).then(
            () => true,
            (error: Error) => {
              this.failure = error;
              this.onError(error);
              return false;
            },
          );
          this.switching = switching.then(() => undefined);
          if (await switching) return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async switchTo(generation: number, previous: number | undefined): Promise<void> {
    await this.createDeferredIndexes(generation);
    await this.db.transaction(async (tx) => {
      for (const table of this.projection.tables) {
        // Drop and create rather than replace: a new version may have other columns.
        await tx.exec(
          `DROP VIEW IF EXISTS ${table.name}; CREATE VIEW ${table.name} AS SELECT * FROM ${physicalTableName(table.name, generation)}`,
        );
      }
      await tx.query(
        `INSERT INTO projection_active (name, generation, version) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET generation = EXCLUDED.generation, version = EXCLUDED.version, switched_at = now()`,
        [this.projection.name, generation, this.projection.version],
      );
      if (previous !== undefined) await this.dropGeneration(tx, previous);
    });
  }

  /**
   * Once a generation filled from zero has caught up: the tables its folds left out, each filled by its
   * `fill` from the others, in the transaction that clears `fill_pending` under the checkpoint row's
   * lock (a batch of another runner comes before, and leaves them out, or after, and writes them).
   */
  private async fillPendingTables(target: GenerationRow, tables: TableNames): Promise<void> {
    const filled = this.projection.tables.filter((table) => table.fill);
    if (filled.length === 0) return;
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `UPDATE projection_generations SET fill_pending = false, updated_at = now()
         WHERE name = $1 AND generation = $2 AND fill_pending RETURNING position`,
        [this.projection.name, target.generation],
      );
      if (rows.length === 0) return;
      for (const table of filled) await tx.exec(renderFill(table, tables));
    });
  }

  /**
   * The reader-only indexes a generation filled from zero was created without, one table per short
   * transaction (PGlite serves nothing else meanwhile), before the views point at it.
   */
  private async createDeferredIndexes(generation: number): Promise<void> {
    for (const table of this.projection.tables) {
      const indexes = renderIndexes(table, physicalTableName(table.name, generation));
      if (indexes === '') continue;
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`projection:${this.projection.name}`]);
        await tx.exec(indexes);
      });
    }
  }

  private async createGeneration(generation: number, createViews: boolean): Promise<GenerationRow> {
    await this.db.transaction((tx) => this.createGenerationIn(tx, generation, createViews));
    return { generation, version: this.projection.version, position: 0n };
  }

  private async createGenerationIn(tx: SqlExecutor, generation: number, createViews: boolean): Promise<void> {
    await this.dropGeneration(tx, generation);
    for (const table of this.projection.tables) {
      const physical = physicalTableName(table.name, generation);
      // Without its reader-only indexes: they come once it has caught up, before the switch.
      await tx.exec(renderDdl(table, physical, { deferIndexes: true }));
      // On the very first start the views exist at once, so readers never see a missing table.
      if (createViews) await tx.exec(`DROP VIEW IF EXISTS ${table.name}; CREATE VIEW ${table.name} AS SELECT * FROM ${physical}`);
    }
    // Filled from zero behind the old views: the tables a `fill` derives wait until it has caught up. The
    // very first generation is read while it catches up (its views exist at once), so its folds write them
    // all along: left empty until the fill, the audit trail's streams answered 404 for every account.
    await tx.query('INSERT INTO projection_generations (name, generation, version, position, fill_pending) VALUES ($1, $2, $3, 0, $4)', [
      this.projection.name,
      generation,
      this.projection.version,
      !createViews && this.projection.tables.some((table) => table.fill !== undefined),
    ]);
  }

  private async dropGeneration(tx: SqlExecutor, generation: number): Promise<void> {
    for (const table of this.projection.tables) {
      await tx.exec(`DROP TABLE IF EXISTS ${physicalTableName(table.name, generation)} CASCADE`);
    }
    await tx.query('DELETE FROM projection_generations WHERE name = $1 AND generation = $2', [this.projection.name, generation]);
  }

  private async stopFollowing(): Promise<void> {
    this.target = undefined;
    await this.following;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  private async activeGeneration(): Promise<{ generation: number; version: number } | undefined> {
    const { rows } = await this.db.query<{ generation: number; version: number }>(
      'SELECT generation, version FROM projection_active WHERE name = $1',
      [this.projection.name],
    );
    return rows[0];
  }

  private async generation(generation: number): Promise<GenerationRow> {
    const { rows } = await this.db.query<GenerationRow>(
      'SELECT generation, version, position FROM projection_generations WHERE name = $1 AND generation = $2',
      [this.projection.name, generation],
    );
    if (!rows[0]) throw new Error(`projection ${this.projection.name} has no generation ${generation}`);
    return rows[0];
  }

  /** A rebuild interrupted by a restart resumes where it was. */
  private async pendingRebuild(activeGeneration: number): Promise<GenerationRow | undefined> {
    const { rows } = await this.db.query<GenerationRow>(
      `SELECT generation, version, position FROM projection_generations
       WHERE name = $1 AND generation > $2 AND version = $3 ORDER BY generation DESC LIMIT 1`,
      [this.projection.name, activeGeneration, this.projection.version],
    );
    return rows[0];
  }
}
