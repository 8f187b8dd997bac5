import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, call, forgetTokens, hasStoredSession, isSignedIn, Me, onSessionChange, refreshSession } from './api';
import { linkHandler, navigate, usePath } from './router';
import { ForgotPasswordPage, OidcReturnPage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage } from './pages/auth';
import { ApiKeysPage } from './pages/api-keys';
import { BillingPage } from './pages/billing';
import { SettingsPage } from './pages/settings';
import { SupportPage } from './pages/support';
import { AuditPage } from './pages/audit';
import './styles.css';

const PUBLIC_PAGES: Record<string, () => preact.JSX.Element> = {
  '/hub/signup': SignUpPage,
  '/hub/forgot-password': ForgotPasswordPage,
  '/hub/oidc': OidcReturnPage,
  '/reset-password': ResetPasswordPage,
  '/verify-email': VerifyEmailPage,
};

const NAV = [
  { path: '/hub/keys', label: 'API Keys', role: null },
  { path: '/hub/billing', label: 'Billing', role: null },
  { path: '/hub/settings', label: 'Account Settings', role: null },
  { path: '/hub/support', label: 'Support', role: 'support' },
  { path: '/hub/audit', label: 'Audit', role: 'auditor' },
] as const;

function SignedIn(props: { readonly path: string }) {
  const [me, setMe] = useState<Me | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    call(api.GET('/v1/me')).then(setMe, () => undefined);
  }, []);
  useEffect(() => setMenuOpen(false), [props.path]);
  const signOut = async () => {
    await call(api.POST('/v1/auth/logout')).catch(() => undefined);
    forgetTokens();
    navigate('/hub/');
  };
  const roles = me?.roles ?? [];
  const visible = NAV.filter((item) => item.role === null || roles.includes(item.role) || roles.includes('admin'));
  const page = visible.find((item) => props.path.startsWith(item.path)) ?? visible[0];
  useEffect(() => {
    document.title = `${page.label} · Platform hub`;
  }, [page.label]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Platform hub</span>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span class="who">{me?.email}</span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav id="sidebar" class={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Hub sections">
        <ul>
          {visible.map((item) => (
            <li key={item.path}>
              <a href={item.path} aria-current={item === page ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {page.path === '/hub/keys' && <ApiKeysPage />}
        {page.path === '/hub/billing' && <BillingPage />}
        {page.path === '/hub/settings' && me && <SettingsPage me={me} />}
        {page.path === '/hub/support' && <SupportPage />}
        {page.path === '/hub/audit' && <AuditPage />}
      </main>
    </div>
  );
}

function App() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(isSignedIn());
  const [resuming, setResuming] = useState(!isSignedIn() && hasStoredSession());
  useEffect(() => onSessionChange(() => setSignedIn(isSignedIn())), []);
  useEffect(() => {
    if (resuming) void refreshSession().finally(() => setResuming(false));
  }, []);
  const Public = PUBLIC_PAGES[path];
  if (Public) return <Public />;
  if (resuming) return <p class="muted centered">Resuming your session…</p>;
  if (!signedIn) return <SignInPage />;
  return <SignedIn path={path} />;
}

document.addEventListener('click', linkHandler);
render(<App />, document.getElementById('app')!);
