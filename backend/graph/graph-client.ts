import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';
import { graphScope, splitGraphBaseUrl } from './microsoft-endpoints';

export interface GraphClientParams {
  graphBaseUrl: string;
  /** Where bearer tokens come from: a credential, or one token already obtained. */
  auth: { credential: TokenCredential } | { accessToken: string };
  /** The client's own retry of 429/503/504 (it honours Retry-After). Unset: the SDK's default (3 retries). */
  retry?: { maxRetries: number; delaySeconds: number };
}

/**
 * A Graph client for the configured Graph host. The SDK attaches the bearer token only to
 * Microsoft's own Graph hosts unless the host is listed in `customHosts`; the configured host is
 * always listed, so national clouds and the simulator get the token too.
 */
export function createGraphClient(params: GraphClientParams): Client {
  const { baseUrl, version, hostname } = splitGraphBaseUrl(params.graphBaseUrl);
  const authProvider = authProviderFor(params);
  const common = { baseUrl, defaultVersion: version, customHosts: new Set([hostname]) };
  if (!params.retry) return Client.initWithMiddleware({ ...common, authProvider });
  return Client.initWithMiddleware({
    ...common,
    middleware: [
      new AuthenticationHandler(authProvider),
      new RetryHandler(new RetryHandlerOptions(params.retry.delaySeconds, params.retry.maxRetries)),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
}

function authProviderFor(params: GraphClientParams): AuthenticationProvider {
  const auth = params.auth;
  if ('accessToken' in auth) return { getAccessToken: async () => auth.accessToken };
  const scope = graphScope(params.graphBaseUrl);
  return {
    getAccessToken: async () => {
      const token = await auth.credential.getToken(scope);
      if (!token) throw new Error('The credential returned no token for Microsoft Graph.');
      return token.token;
    },
  };
}
