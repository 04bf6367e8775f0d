import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AUTH_FIELDS, gql, setSession, type Session } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { navigate, useLocation } from '../lib/router';
import { ErrorBox, Notice } from '../lib/ui';

function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="auth">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

function signedIn(session: Session): void {
  setSession(session);
  navigate('/', true);
}

export function SignIn() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const data = await gql<{ signIn: Session }>(
        `mutation($input: SignInInput!) { signIn(input: $input) { ${AUTH_FIELDS} } }`,
        { input: { email, password } },
        { anonymous: true },
      );
      signedIn(data.signIn);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t('auth.signIn')}>
      <form onSubmit={submit} className="stack">
        <label>
          {t('auth.email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('auth.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('auth.signIn')}
        </button>
        <a href="/forgot-password" onClick={(e) => (e.preventDefault(), navigate('/forgot-password'))}>
          {t('auth.forgot')}
        </a>
      </form>
    </AuthCard>
  );
}

export function ForgotPassword() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email }, { anonymous: true });
      setSent(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <AuthCard title={t('auth.resetTitle')}>
      <form onSubmit={submit} className="stack">
        <label>
          {t('auth.email')}
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        {sent ? (
          <Notice>{t('auth.resetSent')}</Notice>
        ) : (
          <button type="submit" className="primary">
            {t('auth.requestReset')}
          </button>
        )}
        <BackToSignIn />
      </form>
    </AuthCard>
  );
}

function BackToSignIn() {
  const { t } = useI18n();
  return (
    <a href="/sign-in" onClick={(e) => (e.preventDefault(), navigate('/sign-in'))}>
      {t('auth.backToSignIn')}
    </a>
  );
}

/** Invitation acceptance (/accept-invitation?token=…) and password reset (/reset-password?token=…): a new password. */
export function SetPassword({ mode }: { mode: 'invitation' | 'reset' }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    setError(null);
    try {
      if (mode === 'invitation') {
        const input = { token, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
        const data = await gql<{ acceptInvitation: Session }>(
          `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { ${AUTH_FIELDS} } }`,
          { input },
          { anonymous: true },
        );
        signedIn(data.acceptInvitation);
      } else {
        const data = await gql<{ resetPassword: Session }>(
          `mutation($input: TokenPasswordInput!) { resetPassword(input: $input) { ${AUTH_FIELDS} } }`,
          { input: { token, password } },
          { anonymous: true },
        );
        signedIn(data.resetPassword);
      }
    } catch (e) {
      setError(e);
    }
  };
  return (
    <AuthCard title={mode === 'invitation' ? t('auth.acceptTitle') : t('auth.resetTitle')}>
      {!token ? (
        <div className="error" role="alert">
          {t('auth.missingToken')}
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>{t('auth.acceptIntro')}</p>
          {mode === 'invitation' && (
            <label>
              {t('auth.displayName')}
              <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="name" />
            </label>
          )}
          <label>
            {t('auth.newPassword')}
            <input
              type="password"
              required
              minLength={10}
              maxLength={200}
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            {t('auth.confirmPassword')}
            <input type="password" required autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </label>
          {mismatch && (
            <div className="error" role="alert">
              {t('auth.mismatch')}
            </div>
          )}
          <ErrorBox error={error} />
          <button type="submit" className="primary">
            {t('auth.setPassword')}
          </button>
        </form>
      )}
      <BackToSignIn />
    </AuthCard>
  );
}

/** /sign-in/link?token=…: the e-mailed single-use sign-in link. */
export function SignInWithLink() {
  const { t } = useI18n();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    gql<{ signInWithLink: Session }>(`mutation($token: String!) { signInWithLink(token: $token) { ${AUTH_FIELDS} } }`, { token }, { anonymous: true }).then(
      (data) => signedIn(data.signInWithLink),
      setError,
    );
  }, [token]);
  return (
    <AuthCard title={t('auth.linkTitle')}>
      {!token ? <div className="error">{t('auth.missingToken')}</div> : error ? <ErrorBox error={error} /> : <p>{t('auth.linkWorking')}</p>}
      <BackToSignIn />
    </AuthCard>
  );
}
