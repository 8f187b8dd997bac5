import { useState } from 'preact/hooks';
import { Schema } from '@app/client';
import { api, call, saveFile } from '../api';
import { ActionNotice, Field, Notice, formatInstant, useAction } from '../ui';

type AuditEventPage = Schema<'AuditEventPageDto'>;

type Verification = Awaited<ReturnType<typeof verifyAccount>>;

function verifyAccount(accountId: string) {
  return call(api.GET('/v1/audit/accounts/{id}/verify', { params: { path: { id: accountId } } }));
}

function actorOf(actor: unknown): string {
  if (typeof actor === 'string') return actor;
  if (actor && typeof actor === 'object')
    return Object.values(actor as Record<string, unknown>)
      .filter((value) => typeof value === 'string')
      .join(' ');
  return '—';
}

function History(props: { readonly accountId: string }) {
  const [type, setType] = useState('');
  const [pages, setPages] = useState<AuditEventPage[]>([]);
  const action = useAction();
  const load = (cursor: string | null) =>
    action.run(async () => {
      const query = { limit: '50', ...(cursor ? { cursor } : {}), ...(type.trim() ? { type: type.trim() } : {}) };
      const page = await call(api.GET('/v1/audit/accounts/{id}/events', { params: { path: { id: props.accountId }, query } }));
      setPages((previous) => (cursor ? [...previous, page] : [page]));
    });
  const events = pages.flatMap((page) => page.items);
  const next = pages.length > 0 ? pages[pages.length - 1].nextCursor : null;
  return (
    <section class="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void load(null);
        }}
      >
        <Field label="Event type (optional)" value={type} onInput={setType} hint="For example api_key.revoked" />
        <button type="submit" disabled={action.busy}>
          Show events
        </button>
      </form>
      <ActionNotice action={action} />
      {pages.length > 0 && (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>{events.length} events, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Type</th>
                <th scope="col">Stream</th>
                <th scope="col">Actor</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.position}>
                  <td>{formatInstant(event.occurredAt)}</td>
                  <th scope="row">{event.type}</th>
                  <td>
                    {event.stream} #{event.revision}
                  </td>
                  <td>{actorOf(event.actor)}</td>
                  <td>
                    <details>
                      <summary>
                        Data
                        <span class="visually-hidden">
                          {' '}
                          of {event.type} at position {event.position}
                        </span>
                      </summary>
                      <pre tabIndex={0}>{JSON.stringify(event.data, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)} disabled={action.busy}>
          Load more events
        </button>
      )}
    </section>
  );
}

function StateAsOf(props: { readonly accountId: string }) {
  const [asOf, setAsOf] = useState(new Date().toISOString().slice(0, 16));
  const [state, setState] = useState<unknown>(null);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const instant = new Date(`${asOf}:00Z`).toISOString();
      setState(
        await call(api.GET('/v1/audit/accounts/{id}/state', { params: { path: { id: props.accountId }, query: { asOf: instant } } })),
      );
    });
  };
  return (
    <section class="panel" aria-labelledby="state-heading">
      <h2 id="state-heading">State as of a moment</h2>
      <form onSubmit={submit}>
        <Field label="As of (UTC)" type="datetime-local" value={asOf} onInput={setAsOf} required />
        <button type="submit" disabled={action.busy}>
          Rebuild state
        </button>
      </form>
      <ActionNotice action={action} />
      {state !== null && (
        <pre tabIndex={0} data-testid="state-as-of">
          {JSON.stringify(state, null, 2)}
        </pre>
      )}
    </section>
  );
}

function Verify(props: { readonly accountId: string }) {
  const [result, setResult] = useState<Verification | null>(null);
  const action = useAction();
  const verify = () => action.run(async () => setResult(await verifyAccount(props.accountId)));
  const exportAll = () =>
    action.run(() =>
      call(
        api.GET('/v1/audit/accounts/{id}/export', {
          params: { path: { id: props.accountId } },
          headers: { accept: 'application/x-ndjson' },
          parseAs: 'blob',
        }),
      ).then((blob) => saveFile(blob, `account-${props.accountId}.ndjson`)),
    );
  return (
    <section class="panel" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Chain verification</h2>
      <p>Recomputes the hash chain of every stream of the account and says whether anything was altered.</p>
      <div class="row">
        <button type="button" onClick={verify} disabled={action.busy}>
          Verify chain
        </button>
        <button type="button" class="secondary" onClick={exportAll} disabled={action.busy}>
          Export events (NDJSON)
        </button>
      </div>
      {result &&
        (result.intact ? (
          <Notice kind="success">
            Intact: {result.events} events in {result.streams} streams, every hash matches.
          </Notice>
        ) : (
          <Notice kind="error">
            Broken: the chain fails at {result.firstBroken?.stream} revision {result.firstBroken?.revision} ({result.events} events in{' '}
            {result.streams} streams checked).
          </Notice>
        ))}
      <ActionNotice action={action} />
    </section>
  );
}

export function AuditPage() {
  const [input, setInput] = useState('');
  const [accountId, setAccountId] = useState<string | null>(null);
  return (
    <>
      <h1>Audit</h1>
      <form
        class="panel"
        onSubmit={(event) => {
          event.preventDefault();
          setAccountId(input.trim());
        }}
      >
        <Field label="Account id" value={input} onInput={setInput} required />
        <button type="submit">Open account history</button>
      </form>
      {accountId && (
        <div key={accountId}>
          <Verify accountId={accountId} />
          <StateAsOf accountId={accountId} />
          <History accountId={accountId} />
        </div>
      )}
    </>
  );
}
