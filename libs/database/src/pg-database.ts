import { escapeLiteral, Pool, PoolClient, QueryResult as PgResult, types as pgTypes } from 'pg';
import { DomainError } from '@app/ddd';
import { NotificationHandler, QueryOptions, QueryResult, SqlDatabase, SqlExecutor, Statement, TransactionOptions } from './sql-database';

/**
 * The server cannot be reached or dropped the connection (refused, reset, cut, restarted): answered 503
 * with `Retry-After`, since the same request may succeed a moment later. Its message names no SQL and no
 * parameter; the driver's error is the `cause`.
 */
export class DatabaseUnavailableError extends DomainError<'service_unavailable'> {
  constructor(override readonly cause: unknown) {
    super('service_unavailable', 'The database is unavailable; try again shortly', { retryAfter: 1 });
  }
}

// Class 08 (connection exception) and 57P01-57P03 (the server shutting down or starting up).
const UNAVAILABLE_SQLSTATES = /^(08|57P0[123])/;
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
// What pg throws without a code when the socket closes under a query or a connect.
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect/i;

function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

async function reachable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isUnavailable(error) ? new DatabaseUnavailableError(error) : error;
  }
}

const INT8_OID = 20;

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) return (value: string) => BigInt(value);
  return pgTypes.getTypeParser(oid, format as 'text');
}

/** Names of the prepared statements, by text: one name per text, the same on every connection. */
const statementNames = new Map<string, string>();

function send(target: Pool | PoolClient, sql: string, params: readonly unknown[], options?: QueryOptions): Promise<PgResult> {
  if (!options?.prepare) return target.query(sql, params as unknown[]);
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `app_${statementNames.size + 1}`;
    statementNames.set(sql, name);
  }
  return target.query({ name, text: sql, values: params as unknown[] });
}

/**
 * A parameter written into the text as a quoted literal, of no type until the statement gives it one,
 * as a parameter sent by `pg` (text, of unknown type). Only values whose text is unambiguous.
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return escapeLiteral(value);
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return `'${value.toString()}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  throw new TypeError(`not a value to write as a literal: ${typeof value}`);
}

/** `statement` with its `$n` replaced by its parameters as literals (see `TransactionOptions.first`). */
export function withLiterals({ sql, params = [] }: Statement): string {
  return sql.replace(/\$(\d+)/g, (_, index: string) => {
    const position = Number(index) - 1;
    if (position >= params.length) throw new RangeError(`no parameter $${index}`);
    return literal(params[position]);
  });
}

const EMPTY: QueryResult<never> = { rows: [], rowCount: 0 };

class PgExecutor implements SqlExecutor {
  constructor(private readonly client: PoolClient) {}

  async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<Row>> {
    const result = await send(this.client, sql, params, options);
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

  async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<Row>> {
    const result = await reachable(() => send(this.pool, sql, params, options));
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    await reachable(() => this.pool.query(script));
  }

  /**
   * BEGIN goes with the first statement when there is one (`options.first`): each round trip costs the
   * server about 260 µs of CPU on this machine besides the statement's own work, and a projection's
   * batch (BEGIN, its checkpoint, its rows, COMMIT) on the live path is one event or a few.
   */
  async transaction<T, First = Record<string, unknown>>(
    work: (tx: SqlExecutor, first: QueryResult<First>) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    // Written before a connection is taken: a value that cannot be a literal is refused without one.
    const begin = options.first ? `BEGIN; ${withLiterals(options.first)}` : 'BEGIN';
    const client = await reachable(() => this.pool.connect());
    let broken = false;
    // A checked-out client has no listener of the pool's: a connection dropped between two statements of
    // the transaction would otherwise be an unhandled 'error' event, which ends the process.
    const onError = () => void (broken = true);
    client.on('error', onError);
    try {
      const begun = (await client.query(begin)) as PgResult | PgResult[];
      const first = Array.isArray(begun) ? { rows: begun[1].rows as First[], rowCount: begun[1].rowCount ?? 0 } : EMPTY;
      const result = await work(new PgExecutor(client), first);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken ||= isUnavailable(error) || error instanceof DatabaseUnavailableError;
      await client.query('ROLLBACK').catch(() => undefined);
      throw broken && !(error instanceof DatabaseUnavailableError) ? new DatabaseUnavailableError(error) : error;
    } finally {
      // A client whose connection died must not go back to the pool: the next request would get it. It
      // keeps its listener, for the errors it may still emit while it closes.
      if (!broken) client.removeListener('error', onError);
      client.release(broken);
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
