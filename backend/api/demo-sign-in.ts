import { ApiError, invalidInput } from './api-error';

/** A person of a simulated tenant the local demo page offers to sign in as. */
export interface DemoUser {
  upn: string;
  displayName: string;
  /** The tenant id (or domain) the simulator knows the person by. */
  tenantId: string;
  /** Shown beside the person on the sign-in page. */
  tenantName?: string;
}

/**
 * Sign-in for the local demo, where no Teams client hands out SSO tokens: the page picks a demo
 * user, and the simulated Entra ID issues that user a token for the tab's audience. The API then
 * checks it like any Teams token. Never built on a real tenant.
 */
export interface DemoSignIn {
  users(): Promise<DemoUser[]>;
  /** A token for the demo user; rejects with `invalid_input` on `upn` for anyone else. */
  issueToken(upn: string): Promise<string>;
}

export interface SimulatorDemoSignInOptions {
  /** The simulator's authority, e.g. https://127.0.0.1:<port>. */
  authorityHost: string;
  /** The audience the API accepts in local mode (`AppConfig.tabSso.audiences[0]`). */
  audience: string;
  users: readonly DemoUser[] | (() => Promise<DemoUser[]>);
}

/** Demo sign-in through the simulator's Entra control route (`POST /_sim/tenants/{tid}/user-token`). */
export function simulatorDemoSignIn(options: SimulatorDemoSignInOptions): DemoSignIn {
  const users = async (): Promise<DemoUser[]> =>
    typeof options.users === 'function' ? options.users() : [...options.users];
  const host = options.authorityHost.replace(/\/+$/, '');
  return {
    users,
    async issueToken(upn) {
      const wanted = upn.trim().toLowerCase();
      const user = (await users()).find((u) => u.upn.toLowerCase() === wanted);
      if (!user) throw invalidInput('upn', `${upn} is not one of the demo users.`);
      let answer: Response;
      try {
        answer = await fetch(`${host}/_sim/tenants/${encodeURIComponent(user.tenantId)}/user-token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ upn: user.upn, audience: options.audience }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        throw simulatorUnavailable();
      }
      const body = (await answer.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
      if (!answer.ok || typeof body?.access_token !== 'string') throw simulatorUnavailable();
      return body.access_token;
    },
  };
}

function simulatorUnavailable(): ApiError {
  return new ApiError(
    'unavailable',
    'The simulated tenant did not issue a sign-in token. Is the simulator running?',
    {
      retryAfterSeconds: 5,
    },
  );
}

export interface GraphDemoUsersOptions {
  authorityHost: string;
  graphBaseUrl: string;
  /** Each simulated tenant to offer people of, with a working app of it (the simulator's `ok` demo app). */
  tenants: readonly { tenantId: string; tenantName: string; appId: string; secret: string }[];
  /** People per tenant (the first ones Graph lists). */
  perTenant?: number;
  /** How long a listing is reused. */
  cacheMs?: number;
}

/**
 * The demo users, read the way ChatVault reads any tenant: a client-credentials token from the
 * simulated Entra ID, then `GET /users`. Guests and disabled accounts are left out (they could not
 * sign in to Teams either).
 */
export function graphDemoUsers(options: GraphDemoUsersOptions): () => Promise<DemoUser[]> {
  let cached: { at: number; users: DemoUser[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < (options.cacheMs ?? 60_000)) return cached.users;
    const users: DemoUser[] = [];
    for (const tenant of options.tenants) {
      const token = await clientCredentialsToken(options.authorityHost, tenant);
      const top = options.perTenant ?? 8;
      const answer = await fetch(
        `${options.graphBaseUrl}/users?$select=id,displayName,userPrincipalName,accountEnabled,userType&$top=${Math.min(top * 3, 999)}`,
        { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) },
      );
      if (!answer.ok) throw simulatorUnavailable();
      const page = (await answer.json()) as {
        value: {
          displayName?: string;
          userPrincipalName: string;
          accountEnabled?: boolean;
          userType?: string;
        }[];
      };
      users.push(
        ...page.value
          .filter((u) => u.accountEnabled !== false && u.userType !== 'Guest')
          .slice(0, top)
          .map((u) => ({
            upn: u.userPrincipalName,
            displayName: u.displayName ?? u.userPrincipalName,
            tenantId: tenant.tenantId,
            tenantName: tenant.tenantName,
          })),
      );
    }
    cached = { at: Date.now(), users };
    return users;
  };
}

async function clientCredentialsToken(
  authorityHost: string,
  tenant: { tenantId: string; appId: string; secret: string },
): Promise<string> {
  const answer = await fetch(
    `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant.tenantId)}/oauth2/v2.0/token`,
    {
      method: 'POST',
      body: new URLSearchParams({
        client_id: tenant.appId,
        client_secret: tenant.secret,
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }),
      signal: AbortSignal.timeout(10_000),
    },
  ).catch(() => undefined);
  const body = (await answer?.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
  if (!answer?.ok || typeof body?.access_token !== 'string') throw simulatorUnavailable();
  return body.access_token;
}
