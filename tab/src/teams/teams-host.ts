import { app, authentication } from '@microsoft/teams-js';
import type { TokenSource } from '../api/api-client';
import { CachedToken } from './token-expiry';

/** The themes Teams reports (`app.theme` of the context and the theme-change handler). */
export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface TeamsContext {
  tenantId?: string;
  userId?: string;
  userPrincipalName?: string;
  theme: TeamsTheme;
  locale?: string;
}

export type TeamsConnection =
  | {
      inTeams: true;
      context: TeamsContext;
      tokens: TokenSource;
      onThemeChange(handler: (theme: TeamsTheme) => void): void;
    }
  | { inTeams: false; reason: string };

/**
 * How long to wait for Teams to answer `app.initialize`. In a window with no parent teams-js fails
 * at once; framed by a page that is not a Microsoft 365 host it would wait forever.
 */
const TEAMS_INITIALIZE_TIMEOUT_MS = 5_000;

export async function connectToTeams(timeoutMs = TEAMS_INITIALIZE_TIMEOUT_MS): Promise<TeamsConnection> {
  try {
    await withTimeout(app.initialize(), timeoutMs, 'Teams did not answer');
  } catch (error) {
    return { inTeams: false, reason: error instanceof Error ? error.message : String(error) };
  }
  let context: app.Context;
  try {
    context = await withTimeout(app.getContext(), timeoutMs, 'Teams did not send the context');
  } catch (error) {
    return { inTeams: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const tokens = new CachedToken(() => authentication.getAuthToken());
  return {
    inTeams: true,
    context: {
      tenantId: context.user?.tenant?.id,
      userId: context.user?.id,
      userPrincipalName: context.user?.userPrincipalName,
      theme: teamsTheme(context.app.theme),
      locale: context.app.locale,
    },
    tokens,
    onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(teamsTheme(theme))),
  };
}

function teamsTheme(name: string | undefined): TeamsTheme {
  switch (name) {
    case 'dark':
      return 'dark';
    case 'contrast':
      return 'contrast';
    default:
      return 'default';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} seconds`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
