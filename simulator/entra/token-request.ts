import { timingSafeEqual } from 'node:crypto';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './access-tokens';
import type { AppRecord, AppRegistry } from './app-registry';
import { entraFailures } from './entra-error';

/**
 * The client credentials grant as Entra judges it, in Entra's order: request shape first
 * (grant type, client, scope), then the application in the tenant (exists, has a service
 * principal, is enabled), then its secret. Each refusal is an `EntraError` with Entra's code.
 */

export interface TokenForm {
  grantType?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
}

/** What the token endpoint grants: the app and the roles its token will carry. */
export interface GrantedClient {
  app: AppRecord;
  roles: readonly string[];
}

/** Scopes MSAL may add to any request; they say nothing about the resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

const GRAPH_RESOURCES = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID]);

/** Reads the form fields; `client_secret_basic` (HTTP Basic) counts as well as the body fields. */
export function readTokenForm(
  body: string,
  contentType: string | undefined,
  authorization: string | undefined,
): TokenForm {
  // Entra reads the parameters from an urlencoded body only; anything else leaves them missing.
  const form = /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')
    ? new URLSearchParams(body)
    : new URLSearchParams();
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  let basicId: string | undefined;
  let basicSecret: string | undefined;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      basicId = decodeURIComponent(decoded.slice(0, colon));
      basicSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return {
    grantType: nonEmpty(form.get('grant_type')),
    clientId: nonEmpty(form.get('client_id')) ?? basicId,
    clientSecret: nonEmpty(form.get('client_secret')) ?? basicSecret,
    scope: nonEmpty(form.get('scope')),
  };
}

export function judgeClientCredentials(
  form: TokenForm,
  tenant: { id: string; displayName: string },
  registry: AppRegistry,
  now: number,
): GrantedClient {
  if (!form.grantType) throw entraFailures.missingParameter('grant_type');
  if (form.grantType !== 'client_credentials') throw entraFailures.unsupportedGrantType(form.grantType);
  if (!form.clientId) throw entraFailures.missingParameter('client_id');
  if (!form.scope) throw entraFailures.missingParameter('scope');
  checkGraphScope(form.scope, tenant.id);

  const app = registry.findApp(tenant.id, form.clientId);
  if (!app) throw entraFailures.appNotFound(form.clientId, tenant.displayName);
  if (!app.servicePrincipalId) throw entraFailures.noServicePrincipal(app.appId, tenant.id);
  if (!app.enabled) throw entraFailures.appDisabled(app.appId, app.displayName);
  if (!form.clientSecret) throw entraFailures.missingCredential();

  const matching = registry
    .secretValues(tenant.id, app.appId)
    .filter((secret) => sameText(secret.value, form.clientSecret!));
  if (matching.length === 0) throw entraFailures.invalidSecret(app.appId);
  if (!matching.some((secret) => secret.start_ms <= now && now < secret.end_ms))
    throw entraFailures.expiredSecret(app.appId);
  return { app, roles: app.grantedRoles ?? [] };
}

/** Client credentials take exactly one resource's `/.default`; the simulator knows only Graph. */
function checkGraphScope(scope: string, tenantId: string): void {
  const resourceScopes = scope.split(/\s+/).filter((s) => s.length > 0 && !OIDC_SCOPES.has(s));
  const [only] = resourceScopes;
  if (resourceScopes.length !== 1 || !only!.endsWith('/.default')) throw entraFailures.scopeNotDefault(scope);
  const resource = only!.slice(0, -'/.default'.length);
  if (!GRAPH_RESOURCES.has(resource)) throw entraFailures.resourceNotFound(resource, tenantId);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
}
