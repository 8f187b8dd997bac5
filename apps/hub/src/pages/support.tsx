import { useState } from 'preact/hooks';
import { Schema } from '@app/client';
import { api, call } from '../api';
import { ActionNotice, Field, Loading, Notice, Select, formatInstant, useAction, useLoad } from '../ui';

interface CaseRow {
  readonly id: string;
  readonly accountId: string;
  readonly status: 'open' | 'approved' | 'denied';
  readonly lost: string;
  readonly senderMatchesAccount: boolean;
  readonly openedAt: string;
  readonly dueBy: string;
  readonly overdue: boolean;
}

interface CaseView extends CaseRow {
  readonly fromEmail: string;
  readonly accountEmail: string;
  readonly subject: string;
  readonly body: string;
  readonly evidence: {
    readonly emailCodeSent: boolean;
    readonly emailOwnership: boolean;
    readonly matchingChecks: readonly string[];
    readonly attemptsLeft: Record<string, number>;
  };
  readonly denialReason: string | null;
}

const LOST = [
  { value: 'password', label: 'Password' },
  { value: 'mfa', label: 'MFA device' },
  { value: 'both', label: 'Both' },
];

function OpenCase(props: { readonly onOpened: (id: string) => void }) {
  const [fromEmail, setFromEmail] = useState('');
  const [accountEmail, setAccountEmail] = useState('');
  const [subject, setSubject] = useState('Account Recovery Request');
  const [body, setBody] = useState('');
  const [lost, setLost] = useState<'password' | 'mfa' | 'both'>('both');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const opened = await call(api.POST('/v1/support/recovery-cases', { body: { fromEmail, accountEmail, subject, body, lost } }));
      props.onOpened(opened.id);
      return 'Case opened; the sender was emailed the verification steps.';
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="open-case">
      <h2 id="open-case">Open a case from an email</h2>
      <Field label="Sender’s address" type="email" value={fromEmail} onInput={setFromEmail} required />
      <Field label="Account’s email" type="email" value={accountEmail} onInput={setAccountEmail} required />
      <Field label="Subject" value={subject} onInput={setSubject} required />
      <div class="field">
        <label for="case-body">Message</label>
        <textarea id="case-body" value={body} required onInput={(event) => setBody((event.target as HTMLTextAreaElement).value)} />
      </div>
      <Select label="Access lost" value={lost} onChange={(value) => setLost(value as typeof lost)} options={LOST} />
      <button type="submit" disabled={action.busy}>
        Open case
      </button>
      <ActionNotice action={action} />
    </form>
  );
}

function CaseConsole(props: { readonly caseId: string; readonly onChanged: () => void }) {
  // The case is documented loosely (`additionalProperties`): its fields are the support context's case view.
  const view = useLoad(
    () =>
      call(api.GET('/v1/support/recovery-cases/{id}', { params: { path: { id: props.caseId } } })) as Promise<unknown> as Promise<CaseView>,
    [props.caseId],
  );
  const [code, setCode] = useState('');
  const [claimKind, setClaimKind] = useState<Schema<'RecentActivityClaimDto'>['kind']>('api_key_name');
  const [claimValue, setClaimValue] = useState('');
  const [last4, setLast4] = useState('');
  const [createdOn, setCreatedOn] = useState('');
  const [resetPassword, setResetPassword] = useState(true);
  const [resetMfa, setResetMfa] = useState(true);
  const [reason, setReason] = useState('');
  const action = useAction();
  const refresh = () => {
    view.reload();
    props.onChanged();
  };
  if (!view.data) return <Loading error={view.error} what="the case" />;
  const item = view.data;
  const open = item.status === 'open';
  const sendCode = () =>
    action.run(async () => {
      await call(api.POST('/v1/support/recovery-cases/{id}/email-code', { params: { path: { id: item.id } } }));
      refresh();
      return 'A code was sent to the account’s own address. Ask the person to read it back.';
    });
  const verifyCode = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await call(
        api.POST('/v1/support/recovery-cases/{id}/email-code/verify', { params: { path: { id: item.id } }, body: { code: code.trim() } }),
      );
      setCode('');
      refresh();
      return answer.result === 'match' ? 'The code matches: the person controls the account’s email.' : 'The code does not match.';
    });
  };
  const check = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body: Schema<'CheckClaimsDto'> = {
        ...(claimValue.trim() ? { recentActivity: { kind: claimKind, value: claimValue.trim() } } : {}),
        ...(last4.trim() ? { paymentLast4: last4.trim() } : {}),
        ...(createdOn ? { accountCreatedOn: createdOn } : {}),
      };
      const answer = await call(api.POST('/v1/support/recovery-cases/{id}/checks', { params: { path: { id: item.id } }, body }));
      refresh();
      return Object.entries(answer.results)
        .map(([name, result]) => `${name}: ${result} (${answer.attemptsLeft[name]} attempts left)`)
        .join('; ');
    });
  };
  const approve = () =>
    action.run(async () => {
      await call(
        api.POST('/v1/support/recovery-cases/{id}/approve', { params: { path: { id: item.id } }, body: { resetPassword, resetMfa } }),
      );
      refresh();
      return 'Approved. The account’s own address receives the next steps.';
    });
  const deny = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(api.POST('/v1/support/recovery-cases/{id}/deny', { params: { path: { id: item.id } }, body: { reason: reason.trim() } }));
      refresh();
      return 'Denied. The account’s own address is told why.';
    });
  };
  return (
    <section class="panel" aria-labelledby="case-heading">
      <h2 id="case-heading">Case for {item.accountEmail}</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="case-status">{item.status}</dd>
        <dt>From</dt>
        <dd>
          {item.fromEmail} {item.senderMatchesAccount ? '(the account’s address)' : '(not the account’s address)'}
        </dd>
        <dt>Lost</dt>
        <dd>{item.lost}</dd>
        <dt>Due by</dt>
        <dd>
          {formatInstant(item.dueBy)} {item.overdue && <span class="badge badge-overdue">overdue</span>}
        </dd>
        <dt>Email ownership</dt>
        <dd>{item.evidence.emailOwnership ? 'Proven' : item.evidence.emailCodeSent ? 'Code sent, not read back yet' : 'Not checked'}</dd>
        <dt>Checks that matched</dt>
        <dd>{item.evidence.matchingChecks.join(', ') || 'None yet'}</dd>
      </dl>
      <details>
        <summary>The message</summary>
        <p>
          <strong>{item.subject}</strong>
        </p>
        <p class="prewrap">{item.body}</p>
      </details>
      {item.denialReason && <p>Denied because: {item.denialReason}</p>}
      {open && (
        <>
          <h3>1. Email ownership</h3>
          <button type="button" onClick={sendCode} disabled={action.busy}>
            Email a code to the account
          </button>
          <form onSubmit={verifyCode}>
            <Field label="Code read back by the person" value={code} onInput={setCode} inputMode="numeric" required />
            <button type="submit" disabled={action.busy}>
              Check code
            </button>
          </form>
          <h3>2. Ownership checks</h3>
          <p class="muted">
            The service compares the person’s answers with the record and never shows the true values. Three attempts per check.
          </p>
          <form onSubmit={check}>
            <Select
              label="Recent activity the person names"
              value={claimKind}
              onChange={(value) => setClaimKind(value as typeof claimKind)}
              options={[
                { value: 'api_key_name', label: 'Name of one of their API keys' },
                { value: 'sign_in_ip', label: 'An address they signed in from (30 days)' },
                { value: 'service_used', label: 'A service used this month' },
              ]}
            />
            <Field label="What the person says" value={claimValue} onInput={setClaimValue} />
            <Field label="Last four digits of the payment method" value={last4} onInput={setLast4} inputMode="numeric" />
            <Field label="Account creation date" type="date" value={createdOn} onInput={setCreatedOn} />
            <button type="submit" disabled={action.busy}>
              Compare
            </button>
          </form>
          <h3>3. Decision</h3>
          <fieldset class="choices">
            <legend>On approval</legend>
            <label>
              <input
                type="checkbox"
                checked={resetPassword}
                onChange={(event) => setResetPassword((event.target as HTMLInputElement).checked)}
              />
              Send a password reset
            </label>
            <label>
              <input type="checkbox" checked={resetMfa} onChange={(event) => setResetMfa((event.target as HTMLInputElement).checked)} />
              Remove the second factors
            </label>
          </fieldset>
          <button type="button" onClick={approve} disabled={action.busy}>
            Approve recovery
          </button>
          <form onSubmit={deny}>
            <Field label="Reason for denying" value={reason} onInput={setReason} required />
            <button type="submit" class="danger" disabled={action.busy}>
              Deny recovery
            </button>
          </form>
        </>
      )}
      <ActionNotice action={action} />
      <ActivityView accountId={item.accountId} />
    </section>
  );
}

function ActivityView(props: { readonly accountId: string }) {
  const [since, setSince] = useState('');
  const activity = useLoad(
    () =>
      call(
        api.GET('/v1/support/accounts/{id}/activity', {
          params: { path: { id: props.accountId }, query: since ? { since: new Date(since).toISOString() } : {} },
        }),
      ),
    [props.accountId, since],
  );
  return (
    <section aria-labelledby="activity-heading">
      <h3 id="activity-heading">Recent activity</h3>
      <Field label="Since" type="date" value={since} onInput={setSince} />
      {!activity.data ? (
        <Loading error={activity.error} what="activity" />
      ) : activity.data.items.length === 0 ? (
        <p>No activity in this window.</p>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Sign-ins, key, MFA, password, session and billing changes (secrets and payment data left out)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.items.map((item, index) => (
                <tr key={`${item.at}-${index}`}>
                  <td>{formatInstant(item.at)}</td>
                  <th scope="row">{item.summary}</th>
                  <td>{item.outcome ?? '—'}</td>
                  <td>
                    {item.ip ?? '—'}
                    {item.userAgent && <span class="muted"> · {item.userAgent}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function SupportPage() {
  const [status, setStatus] = useState<'' | CaseRow['status']>('open');
  const cases = useLoad(
    () =>
      call(
        api.GET('/v1/support/recovery-cases', { params: { query: { limit: '100', ...(status ? { status } : {}) } } }),
      ) as Promise<unknown> as Promise<{ items: CaseRow[] }>,
    [status],
  );
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <h1>Support</h1>
      <h2>Recovery cases</h2>
      <Select
        label="Show"
        value={status}
        onChange={(value) => setStatus(value as typeof status)}
        options={[
          { value: 'open', label: 'Open cases' },
          { value: 'approved', label: 'Approved' },
          { value: 'denied', label: 'Denied' },
          { value: '', label: 'All' },
        ]}
      />
      {!cases.data ? (
        <Loading error={cases.error} what="cases" />
      ) : cases.data.items.length === 0 ? (
        <Notice kind="info">No cases here.</Notice>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Overdue cases first, then by due date</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Lost</th>
                <th scope="col">Opened</th>
                <th scope="col">Due by</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {cases.data.items.map((row) => (
                <tr key={row.id} class={row.id === selected ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" class="link" onClick={() => setSelected(row.id)}>
                      Case {row.id.slice(0, 8)}
                    </button>
                  </th>
                  <td>{row.lost}</td>
                  <td>{formatInstant(row.openedAt)}</td>
                  <td>
                    {formatInstant(row.dueBy)} {row.overdue && <span class="badge badge-overdue">overdue</span>}
                  </td>
                  <td>{row.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <CaseConsole caseId={selected} onChanged={cases.reload} />}
      <OpenCase onOpened={(id) => (setSelected(id), cases.reload())} />
    </>
  );
}
