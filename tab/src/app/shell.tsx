import { Button, Field, makeStyles, mergeClasses, Select, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { DemoUser } from '../api/types';
import type { TeamsTheme } from '../teams/teams-host';
import { THEME_LABELS } from '../theme/themes';
import { ADMIN_ROUTES, type Route, routeHref } from './routes';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalL,
  },
  brand: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  demo: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalM },
  nav: {
    marginBottom: tokens.spacingVerticalL,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  navList: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  navLink: {
    display: 'inline-block',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    color: tokens.colorNeutralForeground2,
    textDecoration: 'none',
    fontSize: tokens.fontSizeBase300,
    borderBottom: `${tokens.strokeWidthThicker} solid transparent`,
    ':hover': {
      color: tokens.colorNeutralForeground2Hover,
      borderBottomColor: tokens.colorNeutralStroke1Hover,
    },
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: '-2px',
    },
  },
  navLinkCurrent: {
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
    borderBottomColor: tokens.colorCompoundBrandStroke,
    ':hover': { color: tokens.colorNeutralForeground1, borderBottomColor: tokens.colorCompoundBrandStroke },
  },
});

/** What the local demo adds to the header: the theme Teams would otherwise set, and the demo user. */
export interface DemoControls {
  theme: TeamsTheme;
  onTheme(theme: TeamsTheme): void;
  signedIn?: { user: DemoUser; displayName: string; onSignOut(): void };
}

/**
 * The frame around every page. Inside Teams the app's name and the person are already on screen,
 * so there is no header; outside it, the header names the app and holds what the local demo adds:
 * who is signed in, the theme Teams would otherwise set, and signing out.
 */
export function Shell(props: {
  route: Route;
  showNavigation: boolean;
  /** False inside Teams. */
  showBrand: boolean;
  demo?: DemoControls;
  children: ReactNode;
}) {
  const styles = useStyles();
  const { demo } = props;
  return (
    <>
      {props.showBrand || demo ? (
        <header className={styles.header}>
          <span className={styles.brand}>ChatVault</span>
          {demo ? (
            <div className={styles.demo} data-testid="demo-controls">
              {demo.signedIn ? (
                <span data-testid="demo-user">
                  Demo: signed in as {demo.signedIn.displayName} ({demo.signedIn.user.upn})
                </span>
              ) : null}
              <Field label="Theme" orientation="horizontal">
                <Select value={demo.theme} onChange={(_, d) => demo.onTheme(d.value as TeamsTheme)}>
                  {(Object.keys(THEME_LABELS) as TeamsTheme[]).map((theme) => (
                    <option key={theme} value={theme}>
                      {THEME_LABELS[theme]}
                    </option>
                  ))}
                </Select>
              </Field>
              {demo.signedIn ? <Button onClick={demo.signedIn.onSignOut}>Sign out</Button> : null}
            </div>
          ) : null}
        </header>
      ) : null}
      {props.showNavigation ? (
        // Links, not tabs: each is a page of its own, with its own address (#/backups…).
        <nav aria-label="ChatVault pages" className={styles.nav}>
          <ul className={styles.navList}>
            {ADMIN_ROUTES.map(({ route, label }) => (
              <li key={route}>
                <a
                  href={routeHref(route)}
                  aria-current={props.route === route ? 'page' : undefined}
                  className={mergeClasses(styles.navLink, props.route === route && styles.navLinkCurrent)}
                >
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main>{props.children}</main>
    </>
  );
}
