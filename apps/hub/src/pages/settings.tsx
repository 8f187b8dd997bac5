import { useEffect, useRef, useState } from 'preact/hooks';
import { startRegistration } from '@simplewebauthn/browser';
import { Schema } from '@app/client';
import { api, call, forgetTokens, Me } from '../api';
import { navigate } from '../router';
import { ActionNotice, Field, Loading, Notice, formatInstant, useAction, useLoad } from '../ui';

type Factor = Schema<'FactorDto'>;
type TotpEnrollment = Schema<'TotpEnrolmentDto'>;
type Session = Schema<'SessionItemDto'>;
type WebAuthnRegistrationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];

/** The API's QR code, drawn from its SVG with anything active stripped (CSP: no inline script or style). */
function QrCode(props: { readonly svg: string; readonly label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parsed = new DOMParser().parseFromString(props.svg, 'image/svg+xml').documentElement;
    if (parsed.nodeName !== 'svg' || !holder.current) return;
    parsed.querySelectorAll('script, foreignObject, style').forEach((node) => node.remove());
    for (const node of [parsed, ...parsed.querySelectorAll('*')]) {
      for (const attribute of [...node.attributes]) {
        if (/^on/i.test(attribute.name) || attribute.name === 'style' || /href$/i.test(attribute.name))
          node.removeAttribute(attribute.name);
      }
    }
    parsed.setAttribute('role', 'img');
    parsed.setAttribute('aria-label', props.label);
    parsed.setAttribute('width', '200');
    parsed.setAttribute('height', '200');
    holder.current.replaceChildren(document.importNode(parsed, true));
  }, [props.svg]);
  return <div class="qr" ref={holder} />;
}

function RecoveryCodes(props: { readonly codes: readonly string[] }) {
  return (
    <section class="panel highlight" aria-labelledby="recovery-codes">
      <h3 id="recovery-codes">Your recovery codes</h3>
      <p>
        Save these codes somewhere safe, apart from your authenticator device. Each code works once to sign in if you lose your second
        factor. They are not shown again.
      </p>
      <ul class="codes" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EnableMfa(props: { readonly onEnabled: (codes: readonly string[] | undefined) => void }) {
  const [choice, setChoice] = useState<'totp' | 'webauthn' | null>(null);
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState('');
  const [nickname, setNickname] = useState('');
  const action = useAction();
  const startTotp = () =>
    action.run(async () => {
      setChoice('totp');
      setEnrollment(await call(api.POST('/v1/me/mfa/totp', { body: nickname.trim() ? { nickname: nickname.trim() } : {} })));
    });
  const verifyTotp = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await call(
        api.POST('/v1/me/mfa/totp/{factorId}/verify', {
          params: { path: { factorId: enrollment!.factorId } },
          body: { code: code.trim() },
        }),
      );
      setEnrollment(null);
      setChoice(null);
      setCode('');
      props.onEnabled(answer.recoveryCodes);
    });
  };
  const registerKey = () =>
    action.run(async () => {
      setChoice('webauthn');
      // The reference documents the options and the response loosely (SimpleWebAuthn's JSON): the library's types are exact.
      const optionsJSON = (await call(api.POST('/v1/me/mfa/webauthn/options'))) as unknown as WebAuthnRegistrationOptions;
      const response = await startRegistration({ optionsJSON });
      const answer = await call(
        api.POST('/v1/me/mfa/webauthn', {
          body: { response: response as unknown as Record<string, never>, nickname: nickname.trim() || 'Security key' },
        }),
      );
      setChoice(null);
      props.onEnabled(answer.recoveryCodes);
    });
  return (
    <section class="panel" aria-labelledby="enable-mfa">
      <h3 id="enable-mfa">Enable MFA</h3>
      <p>Add a second verification step, so a stolen password alone cannot open your account.</p>
      <Field label="Name for this factor (optional)" value={nickname} onInput={setNickname} hint="For example: work phone, YubiKey" />
      <div class="row">
        <button type="button" onClick={startTotp} disabled={action.busy}>
          Use an authenticator app
        </button>
        <button type="button" onClick={registerKey} disabled={action.busy}>
          Register a security key
        </button>
      </div>
      {choice === 'totp' && enrollment && (
        <div>
          <p>Scan the QR code with Google Authenticator, Authy, 1Password or a similar app, then enter the six-digit code it shows.</p>
          <QrCode svg={enrollment.qrCodeSvg} label="QR code for your authenticator app" />
          <p>
            Cannot scan? Enter this key in the app: <code data-testid="totp-secret">{enrollment.secret}</code>
          </p>
          <form onSubmit={verifyTotp}>
            <Field label="Six-digit code" value={code} onInput={setCode} autoComplete="one-time-code" inputMode="numeric" required />
            <button type="submit" disabled={action.busy}>
              Verify and enable
            </button>
          </form>
        </div>
      )}
      {choice === 'webauthn' && action.busy && <p class="muted">Follow your browser’s prompt: insert or touch your key.</p>}
      <ActionNotice action={action} />
    </section>
  );
}

function Mfa() {
  const status = useLoad(() => call(api.GET('/v1/me/mfa')));
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const action = useAction();
  const onEnabled = (recoveryCodes: readonly string[] | undefined) => {
    if (recoveryCodes) setCodes(recoveryCodes);
    status.reload();
  };
  const remove = (factor: Factor) =>
    action.run(async () => {
      await call(api.DELETE('/v1/me/mfa/{factorId}', { params: { path: { factorId: factor.id } } }));
      status.reload();
      return `Removed ${factor.nickname ?? 'the factor'}.`;
    });
  const newCodes = () =>
    action.run(async () => {
      setCodes((await call(api.POST('/v1/me/mfa/recovery-codes'))).recoveryCodes);
      status.reload();
      return 'New recovery codes made; the old ones no longer work.';
    });
  if (!status.data) return <Loading error={status.error} what="your MFA settings" />;
  const mfa = status.data;
  return (
    <section aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Multi-factor authentication</h2>
      <p data-testid="mfa-status">
        {mfa.enabled ? 'MFA is on for your account.' : 'MFA is off: only your password protects your account.'}
      </p>
      {codes && <RecoveryCodes codes={codes} />}
      {mfa.factors.length > 0 && (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Your second factors</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mfa.factors.map((factor) => (
                <tr key={factor.id}>
                  <th scope="row">{factor.nickname ?? '—'}</th>
                  <td>{factor.type === 'totp' ? 'Authenticator app' : 'Security key'}</td>
                  <td>{formatInstant(factor.createdAt)}</td>
                  <td>{factor.lastUsedAt ? formatInstant(factor.lastUsedAt) : 'Never'}</td>
                  <td>
                    <button type="button" class="secondary" onClick={() => remove(factor)} disabled={action.busy}>
                      Remove<span class="visually-hidden"> {factor.nickname ?? factor.type}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mfa.enabled && (
        <p>
          Recovery codes left: <strong>{mfa.recoveryCodesRemaining}</strong>{' '}
          <button type="button" class="secondary" onClick={newCodes} disabled={action.busy}>
            Make new recovery codes
          </button>
        </p>
      )}
      <ActionNotice action={action} />
      <EnableMfa onEnabled={onEnabled} />
    </section>
  );
}

function Sessions() {
  const sessions = useLoad(() => call(api.GET('/v1/sessions', { params: { query: { limit: 100 } } })));
  const action = useAction();
  const end = (session: Session) =>
    action.run(async () => {
      await call(api.DELETE('/v1/sessions/{id}', { params: { path: { id: session.id } } }));
      if (session.current) {
        forgetTokens();
        return navigate('/hub/');
      }
      sessions.reload();
      return 'Session ended.';
    });
  const endOthers = () =>
    action.run(async () => {
      await call(api.DELETE('/v1/sessions'));
      sessions.reload();
      return 'Every other session has ended.';
    });
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {!sessions.data ? (
        <Loading error={sessions.error} what="your sessions" />
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table>
            <caption>Where your account is signed in</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">Method</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.items.map((session) => (
                <tr key={session.id}>
                  <th scope="row">
                    {session.userAgent ?? 'Unknown device'}
                    {session.ip && <span class="muted"> · {session.ip}</span>}
                    {session.current && <span class="badge badge-active">This device</span>}
                  </th>
                  <td>{formatInstant(session.createdAt)}</td>
                  <td>{formatInstant(session.lastActiveAt)}</td>
                  <td>
                    {session.method === undefined
                      ? '—'
                      : session.method === 'password'
                        ? 'Password'
                        : session.method.replace('oidc:', 'Social: ')}
                    {session.secondFactor && ` + ${session.secondFactor.replace('_', ' ')}`}
                  </td>
                  <td>
                    <button type="button" class="secondary" onClick={() => end(session)} disabled={action.busy}>
                      {session.current ? 'Sign out here' : 'End session'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" class="secondary" onClick={endOthers} disabled={action.busy}>
        End all other sessions
      </button>
      <ActionNotice action={action} />
    </section>
  );
}

function Profile(props: { readonly me: Me }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(api.POST('/v1/me/password', { body: { currentPassword: current, newPassword: next } }));
      setCurrent('');
      setNext('');
      return 'Your password is changed.';
    });
  };
  return (
    <>
      <dl class="facts">
        <dt>Email</dt>
        <dd>
          {props.me.email} {props.me.emailVerified ? '(verified)' : '(not verified yet: check your inbox)'}
        </dd>
        <dt>Account created</dt>
        <dd>{formatInstant(props.me.createdAt)}</dd>
        <dt>Plan</dt>
        <dd>{props.me.plan}</dd>
        {props.me.roles.length > 0 && (
          <>
            <dt>Staff roles</dt>
            <dd>{props.me.roles.join(', ')}</dd>
          </>
        )}
      </dl>
      <form class="panel" onSubmit={submit} aria-labelledby="change-password">
        <h2 id="change-password">Change password</h2>
        <Field label="Current password" type="password" value={current} onInput={setCurrent} autoComplete="current-password" required />
        <Field label="New password" type="password" value={next} onInput={setNext} autoComplete="new-password" required />
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
        <ActionNotice action={action} />
      </form>
    </>
  );
}

const TABS = [
  { id: 'profile', label: 'Profile' },
  { id: 'security', label: 'Security' },
] as const;

export function SettingsPage(props: { readonly me: Me }) {
  const [tab, setTab] = useState<'profile' | 'security'>(location.hash === '#security' ? 'security' : 'profile');
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tab === 'profile' ? 'security' : 'profile';
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <>
      <h1>Account Settings</h1>
      <div role="tablist" aria-label="Account Settings" class="tabs" onKeyDown={onKey}>
        {TABS.map((item) => (
          <button
            key={item.id}
            id={`tab-${item.id}`}
            type="button"
            role="tab"
            aria-selected={tab === item.id}
            aria-controls={`panel-${item.id}`}
            tabIndex={tab === item.id ? 0 : -1}
            onClick={() => setTab(item.id)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'profile' ? (
          <Profile me={props.me} />
        ) : (
          <>
            <Mfa />
            <Sessions />
          </>
        )}
      </div>
      {!props.me.emailVerified && (
        <Notice kind="info">Verify your email address with the link we sent, so you can reset your password if you forget it.</Notice>
      )}
    </>
  );
}
