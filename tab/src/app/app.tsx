import { Button, FluentProvider, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiClient, type ApiError, fetchClientConfig, fetchDemoToken } from '../api/api-client';
import type { DemoUser, Me } from '../api/types';
import { ConfirmProvider } from '../common/confirm-dialog';
import { ErrorMessage } from '../common/error-message';
import { LocaleContext } from '../common/format';
import { PageHeading } from '../common/layout';
import { asApiError } from '../common/use-resource';
import { AdminsPage } from '../pages/admins/admins-page';
import { BackupsPage } from '../pages/backups/backups-page';
import { CredentialsPage } from '../pages/credentials/credentials-page';
import { AskAnAdminPage, ConnectFirstPage } from '../pages/info/ask-an-admin-page';
import { PrivacyPage, TermsPage } from '../pages/info/legal-pages';
import { OutsideTeamsPage } from '../pages/info/outside-teams-page';
import { RecoveryPage } from '../pages/recovery/recovery-page';
import { connectToTeams, type TeamsTheme } from '../teams/teams-host';
import { CachedToken } from '../teams/token-expiry';
import { fluentTheme } from '../theme/themes';
import type { PageProps } from './page-props';
import { isPublicRoute, type Route, useHashRoute } from './routes';
import { Shell } from './shell';

type Session =
  | { phase: 'connecting' }
  | { phase: 'outside-teams'; reason: string; demoUsers?: DemoUser[]; error?: ApiError }
  | { phase: 'signed-in'; api: ApiClient; me: Me; via: 'teams' | 'demo'; demoUser?: DemoUser }
  /** `who`: whom Teams says is signed in, for the person to check (or tell support). */
  | { phase: 'failed'; error: ApiError; who?: string };

const useStyles = makeStyles({
  provider: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}`,
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
});

const TITLES: Record<Route, string> = {
  credentials: 'Credentials',
  backups: 'Backups',
  recovery: 'Recovery',
  admins: 'Admins',
  privacy: 'Privacy',
  terms: 'Terms of use',
};

export function App() {
  const styles = useStyles();
  const route = useHashRoute();
  const [theme, setTheme] = useState<TeamsTheme>('default');
  const [locale, setLocale] = useState<string | undefined>(undefined);
  const [session, setSession] = useState<Session>({ phase: 'connecting' });
  const [navigated, setNavigated] = useState(false);
  const firstRoute = useRef(route);

  useEffect(() => {
    if (route !== firstRoute.current) setNavigated(true);
    document.title = `ChatVault: ${TITLES[route]}`;
  }, [route]);

  useEffect(() => {
    if (locale) document.documentElement.lang = locale;
  }, [locale]);

  // The page behind the provider (overscroll, the area beside a short page) in the theme's colour.
  useEffect(() => {
    document.body.style.backgroundColor = fluentTheme(theme).colorNeutralBackground2;
  }, [theme]);

  const signIn = useCallback(
    async (api: ApiClient, onFailure: (error: ApiError) => void, demoUser?: DemoUser) => {
      try {
        const me = await api.me();
        setSession({
          phase: 'signed-in',
          api,
          me,
          ...(demoUser ? { via: 'demo', demoUser } : { via: 'teams' }),
        });
      } catch (error) {
        onFailure(asApiError(error));
      }
    },
    [],
  );

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const teams = await connectToTeams();
      if (cancelled) return;
      if (teams.inTeams) {
        setTheme(teams.context.theme);
        if (teams.context.locale) setLocale(teams.context.locale);
        teams.onThemeChange(setTheme);
        const { userPrincipalName, tenantId } = teams.context;
        const who = userPrincipalName
          ? `${userPrincipalName}${tenantId ? ` (tenant ${tenantId})` : ''}`
          : undefined;
        const failed = (error: ApiError) => setSession({ phase: 'failed', error, ...(who ? { who } : {}) });
        await signIn(new ApiClient(teams.tokens, failed), failed);
        return;
      }
      let demoUsers: DemoUser[] | undefined;
      try {
        demoUsers = (await fetchClientConfig()).demoSignIn?.users;
      } catch {
        // No demo on offer: the page still says it is outside Teams.
      }
      if (!cancelled)
        setSession({ phase: 'outside-teams', reason: teams.reason, ...(demoUsers ? { demoUsers } : {}) });
    })();
    return () => {
      cancelled = true;
    };
  }, [signIn]);

  const demoSignIn = useCallback(
    async (user: DemoUser) => {
      const demoUsers = session.phase === 'outside-teams' ? session.demoUsers : undefined;
      const backToSignIn = (error: ApiError) =>
        setSession({
          phase: 'outside-teams',
          reason: 'the demo sign-in was refused',
          error,
          ...(demoUsers ? { demoUsers } : {}),
        });
      const tokens = new CachedToken(() => fetchDemoToken(user.upn));
      try {
        await tokens.token(false);
      } catch (error) {
        backToSignIn(asApiError(error));
        return;
      }
      await signIn(new ApiClient(tokens, backToSignIn), backToSignIn, user);
    },
    [session, signIn],
  );

  const signOut = useCallback(() => {
    setTheme('default');
    setSession({ phase: 'connecting' });
    window.location.reload();
  }, []);

  const refreshMe = useCallback(() => {
    if (session.phase !== 'signed-in') return;
    session.api.me().then(
      (me) => setSession((s) => (s.phase === 'signed-in' ? { ...s, me } : s)),
      () => undefined,
    );
  }, [session]);

  let content;
  let signedIn: Extract<Session, { phase: 'signed-in' }> | undefined;
  if (isPublicRoute(route)) {
    content =
      route === 'privacy' ? <PrivacyPage focusHeading={navigated} /> : <TermsPage focusHeading={navigated} />;
  } else {
    switch (session.phase) {
      case 'connecting':
        content = <Spinner label="Connecting to Microsoft Teams…" />;
        break;
      case 'outside-teams':
        content = (
          <OutsideTeamsPage
            reason={session.reason}
            demoUsers={session.demoUsers}
            error={session.error}
            onDemoSignIn={demoSignIn}
          />
        );
        break;
      case 'failed':
        content = (
          <>
            <PageHeading focusOnMount={false}>ChatVault could not sign you in</PageHeading>
            <ErrorMessage error={session.error} />
            {session.who ? <p>Teams says you are signed in as {session.who}.</p> : null}
            <p>
              <Button onClick={() => window.location.reload()}>Try again</Button>
            </p>
          </>
        );
        break;
      case 'signed-in': {
        signedIn = session;
        const props: PageProps = { api: session.api, me: session.me, focusHeading: navigated, refreshMe };
        content = pageFor(route, props);
        break;
      }
    }
  }

  // The theme switcher stands in for Teams' own setting wherever Teams is absent: on the demo's
  // sign-in page and once signed in as a demo user.
  const demoOffered =
    (session.phase === 'outside-teams' && (session.demoUsers?.length ?? 0) > 0) ||
    (session.phase === 'signed-in' && session.demoUser !== undefined);

  return (
    <FluentProvider theme={fluentTheme(theme)} className={styles.provider}>
      <LocaleContext.Provider value={locale}>
        <ConfirmProvider>
          <Shell
            route={route}
            showNavigation={signedIn !== undefined && (signedIn.me.isAdmin || !signedIn.me.tenantHasAdmins)}
            showBrand={signedIn?.via !== 'teams'}
            demo={
              demoOffered
                ? {
                    theme,
                    onTheme: setTheme,
                    ...(signedIn?.demoUser
                      ? {
                          signedIn: {
                            user: signedIn.demoUser,
                            displayName: signedIn.me.displayName,
                            onSignOut: signOut,
                          },
                        }
                      : {}),
                  }
                : undefined
            }
          >
            {content}
          </Shell>
        </ConfirmProvider>
      </LocaleContext.Provider>
    </FluentProvider>
  );
}

function pageFor(route: Route, props: PageProps) {
  const { me } = props;
  if (!me.isAdmin && me.tenantHasAdmins) return <AskAnAdminPage me={me} focusHeading={props.focusHeading} />;
  switch (route) {
    case 'credentials':
      return <CredentialsPage {...props} />;
    case 'backups':
      return me.isAdmin ? <BackupsPage {...props} /> : <ConnectFirstPage focusHeading={props.focusHeading} />;
    case 'recovery':
      return me.isAdmin ? (
        <RecoveryPage {...props} />
      ) : (
        <ConnectFirstPage focusHeading={props.focusHeading} />
      );
    case 'admins':
      return me.isAdmin ? <AdminsPage {...props} /> : <ConnectFirstPage focusHeading={props.focusHeading} />;
    case 'privacy':
    case 'terms':
      return null;
  }
}
