import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { isGuid } from '../connection/input-checks';
import { ApiError, unauthenticated } from './api-error';
import type { TabPrincipal, TokenVerifier } from './tab-principal';

export interface SsoTokenVerifierOptions {
  /** The Entra authority, e.g. https://login.microsoftonline.com, or the tenant simulator's. */
  authorityHost: string;
  /**
   * Audiences accepted: Teams SSO tokens carry the tab's app ID URI (`api://<domain>/botid-<id>`)
   * or, for v1 tokens, sometimes the bare client id. From `AppConfig.tabSso.audiences`.
   */
  audiences: readonly string[];
  /** The delegated scope the tab's token must carry (the manifest pre-authorizes Teams on it). */
  requiredScope?: string;
  /** Tolerated clock skew between Entra and this server. */
  clockToleranceSeconds?: number;
  /** Tenants whose signing keys are kept at once (each tenant's set is fetched once, then cached). */
  maxTenantKeySets?: number;
  /** How long a key set fetch may take before the request answers 503. */
  jwksTimeoutMs?: number;
}

export const TAB_SCOPE = 'access_as_user';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** The host of v1 tokens' issuer in Microsoft's global cloud (apps whose manifest leaves accessTokenAcceptedVersion unset get v1 tokens). */
const GLOBAL_AUTHORITY = 'login.microsoftonline.com';
const V1_ISSUER_HOST = 'https://sts.windows.net';

/**
 * Checks Teams SSO tokens with jose: the RS256 signature against the token tenant's published keys
 * (the authority's JWKS), the issuer (that tenant's, so a token of tenant A cannot claim tenant B),
 * the audience (this app), expiry and not-before, and that it is a person's delegated token for the
 * tab's scope (an app-only token is refused).
 */
export class SsoTokenVerifier implements TokenVerifier {
  private readonly keySets = new Map<string, KeySet>();
  private readonly authorityHost: string;

  constructor(private readonly options: SsoTokenVerifierOptions) {
    if (options.audiences.length === 0) throw new Error('SsoTokenVerifier needs at least one audience');
    this.authorityHost = options.authorityHost.replace(/\/+$/, '');
  }

  async verify(token: string): Promise<TabPrincipal> {
    const tenantId = unverifiedTenant(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySetOf(tenantId), {
        algorithms: ['RS256'],
        issuer: this.issuersOf(tenantId),
        audience: [...this.options.audiences],
        clockTolerance: this.options.clockToleranceSeconds ?? 120,
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
      }));
    } catch (error) {
      throw verificationFailure(error);
    }
    return this.principalOf(payload, tenantId);
  }

  private principalOf(payload: JWTPayload, tenantId: string): TabPrincipal {
    const claim = (name: string): string | undefined => {
      const value = payload[name];
      return typeof value === 'string' && value.trim() !== '' ? value : undefined;
    };
    const oid = claim('oid');
    if (claim('tid')?.toLowerCase() !== tenantId || !oid || !isGuid(oid)) {
      throw unauthenticated(
        'invalid_token',
        'The sign-in token does not name a person of a Microsoft 365 tenant.',
      );
    }
    const scopes = (claim('scp') ?? '').split(' ');
    if (claim('idtyp') === 'app' || !scopes.includes(this.options.requiredScope ?? TAB_SCOPE)) {
      throw unauthenticated(
        'invalid_token',
        'The token is not a sign-in of a person to the ChatVault tab. Open ChatVault from Teams to sign in.',
      );
    }
    const upn = claim('upn') ?? claim('preferred_username');
    return {
      tenantId,
      userId: oid.toLowerCase(),
      displayName: claim('name') ?? upn ?? oid,
      ...(upn ? { userPrincipalName: upn } : {}),
    };
  }

  private issuersOf(tenantId: string): string[] {
    const issuers = [`${this.authorityHost}/${tenantId}/v2.0`];
    if (new URL(this.authorityHost).hostname.toLowerCase() === GLOBAL_AUTHORITY) {
      issuers.push(`${V1_ISSUER_HOST}/${tenantId}/`);
    }
    return issuers;
  }

  /** Each tenant's published keys (Entra serves them per tenant; the simulator only so). */
  private keySetOf(tenantId: string): KeySet {
    let keySet = this.keySets.get(tenantId);
    if (keySet) {
      // Least recently used goes first: re-insert to mark this one used.
      this.keySets.delete(tenantId);
    } else {
      keySet = createRemoteJWKSet(new URL(`${this.authorityHost}/${tenantId}/discovery/v2.0/keys`), {
        timeoutDuration: this.options.jwksTimeoutMs ?? 5_000,
      });
      const max = this.options.maxTenantKeySets ?? 500;
      if (this.keySets.size >= max) this.keySets.delete(this.keySets.keys().next().value!);
    }
    this.keySets.set(tenantId, keySet);
    return keySet;
  }
}

/** The token's `tid`, read before verification only to know whose keys verify it. */
function unverifiedTenant(token: string): string {
  let tid: unknown;
  try {
    tid = decodeJwt(token).tid;
  } catch {
    throw unauthenticated('invalid_token', 'The sign-in token is not a valid token. Sign in again.');
  }
  if (typeof tid !== 'string' || !isGuid(tid)) {
    throw unauthenticated('invalid_token', 'The sign-in token names no Microsoft 365 tenant. Sign in again.');
  }
  return tid.toLowerCase();
}

function verificationFailure(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) {
    return unauthenticated('expired_token', 'The sign-in token has expired. Sign in again.');
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // The authority did not answer (or the network failed): not the caller's fault, so not a 401.
    return new ApiError(
      'unavailable',
      'Microsoft sign-in cannot be reached to check your token right now. Try again in a minute.',
      { retryAfterSeconds: 30 },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    const what =
      claim === 'aud'
        ? 'was issued for another app'
        : claim === 'iss'
          ? 'was not issued by your tenant'
          : claim === 'nbf'
            ? 'is not valid yet'
            : 'lacks a claim ChatVault needs';
    return unauthenticated(
      'invalid_token',
      `The sign-in token ${what}. Open ChatVault from Teams to sign in.`,
    );
  }
  return unauthenticated(
    'invalid_token',
    'The sign-in token could not be verified (its signature or its keys do not check out). Sign in again.',
  );
}
