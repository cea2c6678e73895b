import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, headerValue, readBody, sendJson } from '../shell/http-io';
import type { SimulatorRouter } from '../shell/router';
import { EntraError, entraErrorBody, entraFailures } from './entra-error';
import type { EntraService } from './entra-service';
import { jwksDocument } from './signing-keys';
import { readTokenForm } from './token-request';

/** A token request is a handful of form fields; anything near this size is not one. */
const TOKEN_BODY_LIMIT = 64 * 1024;

/** Entra marks token responses, good or bad, as never to be cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };

/**
 * Entra's wire endpoints: per-tenant OpenID discovery, the signing keys, and the v2 token
 * endpoint. `{tenant}` is a tenant id or one of its domains; an unknown one is AADSTS90002 on
 * every endpoint, as Entra answers (discovery included: a client sees the failure before it ever
 * posts to the token endpoint).
 */
export function registerEntraRoutes(router: SimulatorRouter, entra: EntraService): void {
  router.on('GET', '/:tenant/v2.0/.well-known/openid-configuration', (req, res, params) =>
    answer(entra, req, res, () => openIdConfiguration(entra, params.tenant!)),
  );
  router.on('GET', '/:tenant/discovery/v2.0/keys', (req, res, params) =>
    answer(entra, req, res, () => {
      const tenant = entra.requireTenant(params.tenant!);
      return jwksDocument(entra.keys.signing, entra.issuerFor(tenant.id));
    }),
  );
  router.on('POST', '/:tenant/oauth2/v2.0/token', (req, res, params) =>
    answer(
      entra,
      req,
      res,
      async () => {
        entra.requireTenant(params.tenant!);
        const body = await readBody(req, TOKEN_BODY_LIMIT);
        const form = readTokenForm(
          body.toString('utf8'),
          headerValue(req, 'content-type'),
          headerValue(req, 'authorization'),
        );
        return entra.issueAppToken(params.tenant!, form);
      },
      NO_STORE,
    ),
  );
}

function openIdConfiguration(entra: EntraService, tenantKey: string): Record<string, unknown> {
  const tenant = entra.requireTenant(tenantKey);
  const host = entra.authorityHost;
  const base = `${host}/${tenant.id}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: entra.issuerFor(tenant.id),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${host}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(host).host,
    cloud_graph_host_name: new URL(host).host,
    msgraph_host: new URL(host).host,
    rbac_url: host,
  };
}

async function answer(
  entra: EntraService,
  req: IncomingMessage,
  res: ServerResponse,
  produce: () => unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  try {
    sendJson(res, 200, await produce(), headers);
  } catch (error) {
    const failure =
      error instanceof EntraError
        ? error
        : error instanceof BodyTooLargeError
          ? entraFailures.missingParameter('grant_type')
          : undefined;
    if (!failure) throw error;
    const correlationId = headerValue(req, 'client-request-id');
    sendJson(
      res,
      failure.status,
      entraErrorBody(failure, { authorityHost: entra.authorityHost, now: Date.now(), correlationId }),
      headers,
    );
  }
}
