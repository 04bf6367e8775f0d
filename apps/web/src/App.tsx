import { lazy, Suspense, useEffect, useState } from 'react';
import { ForgotPassword, SetPassword, SignIn, SignInWithLink } from './auth/AuthScreens';
import { ApiError, currentSession, gql, onSessionChange, setSession } from './lib/api';
import { useOnline } from './lib/hooks';
import { useI18n } from './lib/i18n';
import { ME_QUERY, screensOf, withCurrentRoles, type Me, type Screen } from './lib/me';
import { navigate, useLocation } from './lib/router';
import { ErrorBox } from './lib/ui';

const PUBLIC: Record<string, () => React.ReactElement> = {
  '/sign-in': () => <SignIn />,
  '/forgot-password': () => <ForgotPassword />,
  '/accept-invitation': () => <SetPassword mode="invitation" />,
  '/reset-password': () => <SetPassword mode="reset" />,
  '/sign-in/link': () => <SignInWithLink />,
};
const ME_CACHE = 'cdtg.me';
// Each role's screens are their own chunk: the first visit downloads only the shell and the sign-in. The service worker
// precaches the lead's and the volunteer's (used in the field, offline); the officer's and the department's (with the chart
// library) are cached the first time they are opened, so a lead's phone never downloads them (vite.config.mts).
const LeadHome = lazy(() => import('./lead/LeadHome').then((m) => ({ default: m.LeadHome })));
const Agenda = lazy(() => import('./lead/Agenda').then((m) => ({ default: m.Agenda })));
const OfficerHome = lazy(() => import('./officer/OfficerHome').then((m) => ({ default: m.OfficerHome })));
const DepartmentHome = lazy(() => import('./department/DepartmentHome').then((m) => ({ default: m.DepartmentHome })));

export function App() {
  const { path } = useLocation();
  const [signedIn, setSignedIn] = useState(() => currentSession() !== null);
  useEffect(() => onSessionChange((s) => setSignedIn(s !== null)), []);
  const publicScreen = PUBLIC[path];
  return (
    <>
      <Header signedIn={signedIn && !publicScreen} />
      <main>{publicScreen ? publicScreen() : signedIn ? <Home path={path} /> : <SignIn />}</main>
    </>
  );
}

function Header({ signedIn }: { signedIn: boolean }) {
  const { t, language, setLanguage } = useI18n();
  const online = useOnline();
  const signOut = async () => {
    await gql(`mutation { signOut }`).catch(() => undefined);
    localStorage.removeItem(ME_CACHE);
    setSession(null);
    navigate('/sign-in', true);
  };
  return (
    <header className="top">
      <span className="brand">{t('app.title')}</span>
      <span className="spacer" />
      {!online && <span className="offline-badge">{t('app.offline')}</span>}
      <button type="button" className="ghost" onClick={() => setLanguage(language === 'vi' ? 'en' : 'vi')} lang={language === 'vi' ? 'en' : 'vi'}>
        {t('app.language')}
      </button>
      {signedIn && (
        <button type="button" className="ghost" onClick={signOut}>
          {t('app.signOut')}
        </button>
      )}
    </header>
  );
}

function Home({ path }: { path: string }) {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(() => {
    try {
      const cached = JSON.parse(localStorage.getItem(ME_CACHE) ?? 'null') as Me | null;
      return cached && withCurrentRoles(cached);
    } catch {
      return null;
    }
  });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    gql<{ me: Me }>(ME_QUERY).then(
      (data) => {
        localStorage.setItem(ME_CACHE, JSON.stringify(data.me));
        setMe(data.me);
      },
      (e: unknown) => {
        // Offline: keep the cached account so the lead's form still works; signed out: back to sign-in.
        if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') setSession(null);
        else setError(e);
      },
    );
  }, []);
  if (!me) return error ? <ErrorBox error={error} /> : <p>{t('app.loading')}</p>;
  const screens = screensOf(me);
  const requested = path.replace(/^\//, '').split('/')[0] as Screen;
  const screen = screens.includes(requested) ? requested : screens[0];
  if (!screen) return <p>{t('app.noRole')}</p>;
  if (screen !== requested && path !== `/${screen}`) queueMicrotask(() => navigate(`/${screen}`, true));
  return (
    <>
      {screens.length > 1 && (
        <nav className="screens">
          {screens.map((s) => (
            <a key={s} href={`/${s}`} className={s === screen ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate(`/${s}`))}>
              {t(`nav.${s}`)}
            </a>
          ))}
        </nav>
      )}
      {/* One title per screen, for screen readers and the browser's outline. */}
      <h1 className="screen-title">{t(`screen.${screen}`)}</h1>
      <Suspense fallback={<p>{t('app.loading')}</p>}>
        {screen === 'lead' && <LeadHome me={me} />}
        {screen === 'officer' && <OfficerHome me={me} />}
        {screen === 'department' && <DepartmentHome me={me} />}
        {screen === 'agenda' && <Agenda />}
      </Suspense>
    </>
  );
}
