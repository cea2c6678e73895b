import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { SigningKey } from './signing-keys';

/** Microsoft Graph as a resource: the audience of its access tokens and its application id. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Entra issues access tokens for about an hour (60-90 min); clients renew 5 minutes before. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

/** The Teams desktop/mobile client: the `azp` of tab SSO tokens (pre-authorized in the manifest). */
export const TEAMS_CLIENT_APP_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';

/** The issuer the simulator's openid-configuration announces for a tenant. */
export function issuerFor(authorityHost: string, tenantId: string): string {
  return `${authorityHost}/${tenantId}/v2.0`;
}

export interface AppTokenClaims {
  tenantId: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalId: string;
  /** Granted application permissions; none means the token has no `roles` claim at all. */
  roles: readonly string[];
  issuer: string;
  nowMs: number;
  lifetimeSeconds?: number;
}

/**
 * An app-only access token for Graph, with the claims Entra puts in one: the application in
 * `appid`/`azp`, its service principal in `oid`/`sub`, `idtyp: app`, and the granted application
 * permissions in `roles`. Entra leaves `roles` out when nothing was granted (consent missing).
 */
export async function mintAppToken(key: SigningKey, claims: AppTokenClaims): Promise<string> {
  const iat = Math.floor(claims.nowMs / 1000);
  const payload: JWTPayload = {
    aud: GRAPH_RESOURCE,
    iss: claims.issuer,
    iat,
    nbf: iat,
    exp: iat + (claims.lifetimeSeconds ?? ACCESS_TOKEN_LIFETIME_SECONDS),
    aio: opaqueId(),
    app_displayname: claims.appDisplayName,
    appid: claims.appId,
    appidacr: '1',
    azp: claims.appId,
    azpacr: '1',
    idp: claims.issuer,
    idtyp: 'app',
    oid: claims.servicePrincipalId,
    rh: opaqueId(),
    ...(claims.roles.length > 0 ? { roles: [...claims.roles] } : {}),
    sub: claims.servicePrincipalId,
    tid: claims.tenantId,
    uti: opaqueId(),
    ver: '2.0',
  };
  return sign(key, payload);
}

export interface UserTokenClaims {
  tenantId: string;
  userId: string;
  userPrincipalName: string;
  displayName: string;
  /** The tab's API, e.g. `api://contoso.example/botid-<id>`. */
  audience: string;
  scopes: readonly string[];
  issuer: string;
  nowMs: number;
  /** Negative to mint a token that expired that long ago. */
  lifetimeSeconds?: number;
  clientAppId?: string;
}

/** A v2 delegated token as Teams tab SSO hands the tab: the user in `oid`, scopes in `scp`. */
export async function mintUserToken(key: SigningKey, claims: UserTokenClaims): Promise<string> {
  const now = Math.floor(claims.nowMs / 1000);
  const lifetime = claims.lifetimeSeconds ?? ACCESS_TOKEN_LIFETIME_SECONDS;
  const exp = now + lifetime;
  const iat = lifetime > 0 ? now : exp - ACCESS_TOKEN_LIFETIME_SECONDS;
  const payload: JWTPayload = {
    aud: claims.audience,
    iss: claims.issuer,
    iat,
    nbf: iat,
    exp,
    aio: opaqueId(),
    azp: claims.clientAppId ?? TEAMS_CLIENT_APP_ID,
    azpacr: '0',
    name: claims.displayName,
    oid: claims.userId,
    preferred_username: claims.userPrincipalName,
    rh: opaqueId(),
    scp: claims.scopes.join(' '),
    sid: randomUUID(),
    sub: opaqueId(),
    tid: claims.tenantId,
    upn: claims.userPrincipalName,
    uti: opaqueId(),
    ver: '2.0',
  };
  return sign(key, payload);
}

function sign(key: SigningKey, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid })
    .sign(key.privateKey);
}

function opaqueId(): string {
  return randomBytes(16).toString('base64url');
}
