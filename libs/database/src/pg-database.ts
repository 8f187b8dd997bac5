import { Pool, PoolClient, types as pgTypes } from 'pg';
import { NotificationHandler, QueryResult, SqlDatabase, SqlExecutor } from './sql-database';

const INT8_OID = 20;

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) return (value: string) => BigInt(value);
  return pgTypes.getTypeParser(oid, format as 'text');
}

class PgExecutor implements SqlExecutor {
  constructor(private readonly client: PoolClient) {}

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    const result = await this.client.query(sql, params as unknown[]);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }
}

export class PgDatabase implements SqlDatabase {
  readonly driver = 'pg' as const;
  private readonly pool: Pool;
  private listenerClient?: Promise<PoolClient>;
  private readonly channelHandlers = new Map<string, Set<NotificationHandler>>();
  private closed = false;
  private listener?: { client: PoolClient; released: boolean };

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = new Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      types: { getTypeParser: typeParser as never },
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    const result = await this.pool.query(sql, params as unknown[]);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    let handlers = this.channelHandlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channelHandlers.set(channel, handlers);
      const client = await this.listenerConnection();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    handlers.add(handler);
    return async () => {
      handlers?.delete(handler);
    };
  }

  private listenerConnection(): Promise<PoolClient> {
    if (!this.listenerClient) {
      const connecting = this.pool.connect().then(async (client) => {
        const listener = { client, released: false };
        this.listener = listener;
        client.on('notification', (message) => {
          for (const handler of this.channelHandlers.get(message.channel) ?? []) handler(message.payload ?? '');
        });
        client.on('error', () => {
          // The listening connection died: drop it and listen again on a fresh one, for every channel.
          if (this.listenerClient === connecting) this.listenerClient = undefined;
          this.releaseListener(listener, true);
          this.relisten();
        });
        for (const channel of this.channelHandlers.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
        return client;
      });
      this.listenerClient = connecting;
      connecting.catch(() => {
        if (this.listenerClient === connecting) this.listenerClient = undefined;
      });
    }
    return this.listenerClient;
  }

  private releaseListener(listener: { client: PoolClient; released: boolean }, destroy: boolean): void {
    if (listener.released) return;
    listener.released = true;
    listener.client.release(destroy);
  }

  private relisten(attempt = 0): void {
    if (this.closed || this.channelHandlers.size === 0) return;
    const timer = setTimeout(
      () => {
        this.listenerConnection().catch(() => this.relisten(attempt + 1));
      },
      Math.min(5000, 100 * 2 ** attempt),
    );
    timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listenerClient?.catch(() => undefined);
    if (this.listener) this.releaseListener(this.listener, false);
    await this.pool.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
