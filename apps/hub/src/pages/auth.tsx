import { useEffect, useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { api, ApiError, call, isMfaChallenge, keepTokens, MfaChallenge, pageSetting, SignInAnswer } from '../api';
import { navigate } from '../router';
import { ActionNotice, Field, Notice, useAction } from '../ui';

function Card(props: { readonly title: string; readonly children: preact.ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · Platform hub`;
  }, [props.title]);
  return (
    <main id="main" class="auth">
      <div class="card">
        <p class="brand">Platform hub</p>
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </main>
  );
}

type WebAuthnSignInOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

const PROVIDER_NAMES: Record<string, string> = { google: 'Google', github: 'GitHub', microsoft: 'Microsoft', apple: 'Apple' };

function providerLabel(name: string): string {
  return (
    PROVIDER_NAMES[name] ??
    name.replace(/(^|-)(\w)/g, (_match, dash: string, letter: string) => `${dash ? ' ' : ''}${letter.toUpperCase()}`)
  );
}

/** Signs in with what a challenge allows: a code from the app, a recovery code or a security key. */
function SecondStep(props: { readonly challenge: MfaChallenge; readonly onDone: () => void }) {
  const { methods, mfaToken } = props.challenge;
  const [method, setMethod] = useState(methods.includes('totp') ? 'totp' : methods[0]);
  const [code, setCode] = useState('');
  const action = useAction();
  const finish = (tokens: SignInAnswer) => {
    if (!isMfaChallenge(tokens)) keepTokens(tokens);
    props.onDone();
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = method === 'totp' ? { mfaToken, totpCode: code.trim() } : { mfaToken, recoveryCode: code.trim() };
      finish(await call(api.POST('/v1/auth/mfa', { body })));
    });
  };
  const useKey = () =>
    action.run(async () => {
      // The reference documents the options and the response loosely (SimpleWebAuthn's JSON): the library's types are exact.
      const optionsJSON = (await call(
        api.POST('/v1/auth/mfa/webauthn/options', { body: { mfaToken } }),
      )) as unknown as WebAuthnSignInOptions;
      const response = await startAuthentication({ optionsJSON });
      finish(await call(api.POST('/v1/auth/mfa', { body: { mfaToken, webauthn: response as unknown as Record<string, never> } })));
    });
  return (
    <section aria-labelledby="second-step">
      <h2 id="second-step">Second step</h2>
      {methods.length > 1 && (
        <fieldset class="choices">
          <legend>Verify with</legend>
          {methods.map((value) => (
            <label key={value}>
              <input type="radio" name="method" value={value} checked={method === value} onChange={() => setMethod(value)} />
              {value === 'totp' ? 'Authenticator app' : value === 'webauthn' ? 'Security key' : 'Recovery code'}
            </label>
          ))}
        </fieldset>
      )}
      {method === 'webauthn' ? (
        <button type="button" onClick={useKey} disabled={action.busy}>
          Use your security key
        </button>
      ) : (
        <form onSubmit={submit}>
          <Field
            label={method === 'totp' ? 'Six-digit code from your authenticator app' : 'Recovery code'}
            value={code}
            onInput={setCode}
            autoComplete="one-time-code"
            inputMode={method === 'totp' ? 'numeric' : 'text'}
            required
          />
          <button type="submit" disabled={action.busy}>
            Verify
          </button>
        </form>
      )}
      <ActionNotice action={action} />
    </section>
  );
}

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const action = useAction();
  const providers = pageSetting('hub-oidc-providers');
  const enter = () => navigate(location.pathname.startsWith('/hub/') && location.pathname !== '/hub/' ? location.pathname : '/hub/keys');
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await call(api.POST('/v1/auth/login', { body: { email, password } }));
      if (isMfaChallenge(answer)) return setChallenge(answer);
      keepTokens(answer);
      enter();
    });
  };
  if (challenge) {
    return (
      <Card title="Sign in">
        <SecondStep challenge={challenge} onDone={enter} />
      </Card>
    );
  }
  return (
    <Card title="Sign in">
      <form onSubmit={submit}>
        <Field label="Email" type="email" value={email} onInput={setEmail} autoComplete="username" required />
        <Field label="Password" type="password" value={password} onInput={setPassword} autoComplete="current-password" required />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
      </form>
      <ActionNotice action={action} />
      <p>
        <a href="/hub/forgot-password">Forgot Password</a>
      </p>
      {providers.length > 0 && (
        <div class="social" aria-label="Social sign-in">
          <p class="muted">Signed up with a social login? Use that provider:</p>
          {providers.map((provider) => (
            <a
              key={provider}
              class="button secondary"
              href={`/v1/auth/oidc/${encodeURIComponent(provider)}/start?returnTo=${encodeURIComponent('/hub/oidc')}`}
            >
              Continue with {providerLabel(provider)}
            </a>
          ))}
        </div>
      )}
      <p>
        No account yet? <a href="/hub/signup">Create an account</a>
      </p>
    </Card>
  );
}

const PASSWORD_RULES =
  'At least 12 characters with an uppercase and a lowercase letter, a digit and a special character; not your email address or common words.';

export function SignUpPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(api.POST('/v1/accounts', { body: { email, password } }));
      setPassword('');
      return 'Your account is ready. We sent a link to verify your email address. You can sign in now.';
    });
  };
  return (
    <Card title="Create an account">
      <form onSubmit={submit}>
        <Field label="Email" type="email" value={email} onInput={setEmail} autoComplete="email" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="new-password"
          hint={PASSWORD_RULES}
          required
        />
        <button type="submit" disabled={action.busy}>
          Create account
        </button>
      </form>
      <ActionNotice action={action} />
      <p>
        Already have an account? <a href="/hub/">Sign in</a>
      </p>
    </Card>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(api.POST('/v1/auth/password-reset', { body: { email } }));
      return 'If the email matches an active account, a reset link is on its way (within two minutes). The link works once, for 15 minutes. Check your spam folder too.';
    });
  };
  return (
    <Card title="Forgot Password">
      <p>Enter the email address registered to your account.</p>
      <form onSubmit={submit}>
        <Field label="Email" type="email" value={email} onInput={setEmail} autoComplete="email" required />
        <button type="submit" disabled={action.busy}>
          Send reset link
        </button>
      </form>
      <ActionNotice action={action} />
      <p>
        <a href="/hub/">Back to sign in</a>
      </p>
    </Card>
  );
}

export function ResetPasswordPage() {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();
  const [changed, setChanged] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      if (password !== again) throw new Error('mismatch');
      await call(api.POST('/v1/auth/password-reset/confirm', { body: { token, newPassword: password } }));
      setChanged(true);
    });
  };
  if (changed) {
    return (
      <Card title="Password changed">
        <Notice kind="success">Your password is changed and every session has ended. Sign in again on every device.</Notice>
        <p>
          <a href="/hub/">Sign in</a>
        </p>
      </Card>
    );
  }
  const mismatch = action.error !== null && password !== again;
  return (
    <Card title="Choose a new password">
      {token === '' && <Notice kind="error">This page needs the link from the reset email. Ask for a new one from Forgot Password.</Notice>}
      <form onSubmit={submit}>
        <Field
          label="New password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="new-password"
          hint={PASSWORD_RULES}
          required
        />
        <Field label="Repeat the new password" type="password" value={again} onInput={setAgain} autoComplete="new-password" required />
        <button type="submit" disabled={action.busy || token === ''}>
          Set new password
        </button>
      </form>
      {mismatch ? <Notice kind="error">The two passwords are not the same.</Notice> : <ActionNotice action={action} />}
      <p>
        <a href="/hub/forgot-password">Ask for a new link</a>
      </p>
    </Card>
  );
}

export function VerifyEmailPage() {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const action = useAction();
  useEffect(() => {
    void action.run(async () => {
      await call(api.POST('/v1/accounts/verify-email', { body: { token } }));
      return 'Your email address is verified. Thank you.';
    });
  }, []);
  return (
    <Card title="Verify your email">
      {action.busy && <p class="muted">Checking your link…</p>}
      <ActionNotice action={action} />
      <p>
        <a href="/hub/">Go to the hub</a>
      </p>
    </Card>
  );
}

/** Where a social sign-in comes back: the one-time code in the fragment, traded for tokens. */
export function OidcReturnPage() {
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const action = useAction();
  useEffect(() => {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const code = fragment.get('code');
    // The one-time code leaves the address bar (and so the history) before anything else happens.
    history.replaceState(null, '', location.pathname);
    void action.run(async () => {
      const refused = fragment.get('error');
      if (refused) throw new ApiError(400, refused, '', [], { retryAfter: Number(fragment.get('retryAfter') ?? 900) });
      if (!code) throw new ApiError(400, 'invalid_oidc_state', 'This page needs the answer of a sign-in provider.');
      const answer = await call(api.POST('/v1/auth/oidc/exchange', { body: { code } }));
      if (isMfaChallenge(answer)) return setChallenge(answer);
      keepTokens(answer);
      navigate('/hub/keys');
    });
  }, []);
  return (
    <Card title="Sign in">
      {challenge ? (
        <SecondStep challenge={challenge} onDone={() => navigate('/hub/keys')} />
      ) : (
        action.busy && <p class="muted">Signing you in…</p>
      )}
      <ActionNotice action={action} />
      {action.error && (
        <p>
          <a href="/hub/">Back to sign in</a>
        </p>
      )}
    </Card>
  );
}
