import { useEffect, useState } from 'preact/hooks';
import { Schema } from '@app/client';
import { api, call, pageSetting } from '../api';
import { ActionNotice, Field, Loading, Notice, Select, formatDate, formatInstant, useAction, useLoad } from '../ui';

type ApiKey = Schema<'ApiKeyView'>;
type IssuedKey = Schema<'IssuedApiKeyDto'>;

function ScopePicker(props: {
  readonly scopes: readonly string[];
  readonly chosen: string[];
  readonly onChange: (scopes: string[]) => void;
}) {
  return (
    <fieldset class="choices">
      <legend>Scoped endpoints</legend>
      {props.scopes.map((scope) => (
        <label key={scope}>
          <input
            type="checkbox"
            checked={props.chosen.includes(scope)}
            onChange={(event) =>
              props.onChange(
                (event.target as HTMLInputElement).checked ? [...props.chosen, scope] : props.chosen.filter((value) => value !== scope),
              )
            }
          />
          {scope}
        </label>
      ))}
    </fieldset>
  );
}

/** The full key, once: it cannot be shown again, so it comes with a copy button. */
function ShownOnce(props: { readonly issued: IssuedKey; readonly onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.issued.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Your browser did not allow copying: select the key and copy it yourself.');
    }
  };
  return (
    <section class="panel highlight" aria-labelledby="shown-once">
      <h2 id="shown-once">Your new key “{props.issued.name}”</h2>
      <p>
        <strong>This is the only time the key is shown.</strong> Store it in a secrets manager or an environment variable, never in source
        code.
      </p>
      <p class="secret">
        <code data-testid="new-key">{props.issued.key}</code>
      </p>
      <div class="row">
        <button type="button" onClick={copy}>
          Copy key
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          I have stored it
        </button>
      </div>
      {copied && <Notice kind="info">{copied}</Notice>}
    </section>
  );
}

function GenerateKey(props: { readonly scopes: readonly string[]; readonly onIssued: (key: IssuedKey) => void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [expiresOn, setExpiresOn] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const expiresAt = expiresOn ? new Date(`${expiresOn}T00:00:00Z`).toISOString() : undefined;
      props.onIssued(await call(api.POST('/v1/api-keys', { body: { name: name.trim(), scopes: chosen, expiresAt } })));
      setName('');
      setChosen([]);
      setExpiresOn('');
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="generate">
      <h2 id="generate">Generate New Key</h2>
      <Field
        label="Key name"
        value={name}
        onInput={setName}
        hint="Name it after where it runs, for example production-chatbot-server-1."
        required
      />
      <ScopePicker scopes={props.scopes} chosen={chosen} onChange={setChosen} />
      <Field label="Expires on (optional)" type="date" value={expiresOn} onInput={setExpiresOn} />
      <button type="submit" disabled={action.busy}>
        Generate New Key
      </button>
      <ActionNotice action={action} />
    </form>
  );
}

const GRACE_PERIODS = [
  { value: '0', label: 'End the old key now' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days (the longest)' },
];

function KeyDetails(props: {
  readonly apiKey: ApiKey;
  readonly scopes: readonly string[];
  readonly onChanged: () => void;
  readonly onIssued: (key: IssuedKey) => void;
}) {
  const key = props.apiKey;
  const [name, setName] = useState(key.name);
  const [chosen, setChosen] = useState<string[]>([...key.scopes]);
  const [grace, setGrace] = useState('86400');
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const action = useAction();
  useEffect(() => {
    setName(key.name);
    setChosen([...key.scopes]);
    setConfirmRevoke(false);
  }, [key.id]);
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(api.PATCH('/v1/api-keys/{id}', { params: { path: { id: key.id } }, body: { name: name.trim(), scopes: chosen } }));
      props.onChanged();
      return 'Saved.';
    });
  };
  const rotate = () =>
    action.run(async () => {
      props.onIssued(
        await call(api.POST('/v1/api-keys/{id}/rotate', { params: { path: { id: key.id } }, body: { gracePeriodSeconds: Number(grace) } })),
      );
      props.onChanged();
    });
  const revoke = () =>
    action.run(async () => {
      await call(api.POST('/v1/api-keys/{id}/revoke', { params: { path: { id: key.id } } }));
      props.onChanged();
      return `The key “${key.name}” is revoked: requests with it are refused from now on.`;
    });
  const allScopes = [...new Set([...props.scopes, ...key.scopes])];
  return (
    <section class="panel" aria-labelledby="key-details">
      <h2 id="key-details">Key “{key.name}”</h2>
      <dl class="facts">
        <dt>Prefix</dt>
        <dd>
          <code>{key.prefix}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatInstant(key.createdAt)}</dd>
        <dt>Last used</dt>
        <dd>{key.lastUsedAt ? formatInstant(key.lastUsedAt) : 'Never'}</dd>
        <dt>Expires</dt>
        <dd>{key.expiresAt ? formatInstant(key.expiresAt) : 'Never'}</dd>
        <dt>Status</dt>
        <dd>{key.status}</dd>
      </dl>
      {key.rotationDue && key.status === 'active' && <Notice kind="info">This key is due for its quarterly rotation.</Notice>}
      {key.status === 'active' && (
        <>
          <form onSubmit={save}>
            <Field label="Key name" value={name} onInput={setName} required />
            <ScopePicker scopes={allScopes} chosen={chosen} onChange={setChosen} />
            <button type="submit" disabled={action.busy}>
              Save name and scopes
            </button>
          </form>
          <h3>Rotate</h3>
          <p>A new key replaces this one. Keep both working while you update your application, then the old one stops.</p>
          <Select label="Old key keeps working for" value={grace} onChange={setGrace} options={GRACE_PERIODS} />
          <button type="button" onClick={rotate} disabled={action.busy}>
            Rotate key
          </button>
          <h3>Revoke</h3>
          {confirmRevoke ? (
            <div class="row">
              <button type="button" class="danger" onClick={revoke} disabled={action.busy}>
                Yes, revoke “{key.name}”
              </button>
              <button type="button" class="secondary" onClick={() => setConfirmRevoke(false)}>
                Keep it
              </button>
            </div>
          ) : (
            <button type="button" class="danger" onClick={() => setConfirmRevoke(true)}>
              Revoke key
            </button>
          )}
        </>
      )}
      <ActionNotice action={action} />
    </section>
  );
}

export function ApiKeysPage() {
  const scopes = pageSetting('hub-api-scopes');
  const keys = useLoad(() => call(api.GET('/v1/api-keys', { params: { query: { limit: '100' } } })));
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const onIssued = (key: IssuedKey) => {
    setIssued(key);
    keys.reload();
  };
  const list = keys.data?.items ?? [];
  const current = list.find((key) => key.id === selected);
  return (
    <>
      <h1>API Keys</h1>
      <p>Every key provisioned under your account. Scope keys to the fewest endpoints your application needs and rotate them quarterly.</p>
      {issued && <ShownOnce issued={issued} onClose={() => setIssued(null)} />}
      {keys.data === null ? (
        <Loading error={keys.error} what="your keys" />
      ) : list.length === 0 ? (
        <p>You have no keys yet.</p>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>
              Your keys. <span aria-hidden="true">⚠</span> marks a key not used in 90 days: revoke it if nothing needs it any more.
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.map((key) => (
                <tr key={key.id} data-key-id={key.id} class={key.id === selected ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" class="link" aria-pressed={key.id === selected} onClick={() => setSelected(key.id)}>
                      {key.name}
                    </button>
                  </th>
                  <td>{formatDate(key.createdAt)}</td>
                  <td>{key.lastUsedAt ? formatInstant(key.lastUsedAt) : 'Never'}</td>
                  <td>{key.scopes.join(', ') || '—'}</td>
                  <td>
                    <span class={`badge badge-${key.status}`}>{key.status}</span>
                    {key.stale && key.status === 'active' && (
                      <span class="badge badge-stale" title="Not used in 90 days">
                        <span aria-hidden="true">⚠ </span>Not used in 90 days
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && <KeyDetails apiKey={current} scopes={scopes} onChanged={keys.reload} onIssued={onIssued} />}
      <GenerateKey scopes={scopes} onIssued={onIssued} />
    </>
  );
}
