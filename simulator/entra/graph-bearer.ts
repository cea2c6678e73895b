import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { GraphCaller } from '../contracts';
import { GraphHttpError } from '../graph-error';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './access-tokens';
import type { SigningKey } from './signing-keys';

/** How many verified tokens are remembered; past that the memory starts over. */
const MAX_REMEMBERED_TOKENS = 20_000;

interface Remembered {
  caller: GraphCaller;
  expiresAtMs: number;
}

/**
 * Graph's side of a bearer token: the signature must be this simulator's, the audience Graph's,
 * the issuer the one announced for the token's tenant, and the token still valid. Failures are
 * Graph's 401 `InvalidAuthenticationToken`.
 *
 * A verified token is remembered until it expires, so a page costs a map look-up instead of an
 * RSA verification. That is also Graph's own semantics: a token is judged as issued, and consent
 * granted or revoked afterwards changes only tokens issued afterwards.
 */
export class GraphBearerCheck {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly key: SigningKey,
    private readonly options: {
      authorityHost: () => string;
      issuerFor: (tenantId: string) => string;
      now?: () => number;
    },
  ) {}

  async callerOf(authorization: string | undefined): Promise<GraphCaller> {
    const now = this.options.now?.() ?? Date.now();
    // Remembered by the header as sent: a client sends the same header with every page, and the
    // look-up then costs no parsing of a token of a kilobyte and more.
    const header = authorization ?? '';
    const known = this.remembered.get(header);
    if (known) {
      if (now < known.expiresAtMs) return known.caller;
      this.remembered.delete(header);
      throw this.unauthorized('Lifetime validation failed, the token is expired.');
    }
    const token = bearerToken(authorization);
    const payload = await this.verify(token, now);
    const caller: GraphCaller = {
      tenantId: String(payload.tid),
      appId: String(payload.appid ?? payload.azp ?? ''),
      roles: Array.isArray(payload.roles)
        ? payload.roles.filter((r): r is string => typeof r === 'string')
        : [],
    };
    if (this.remembered.size >= MAX_REMEMBERED_TOKENS) this.remembered.clear();
    this.remembered.set(header, { caller, expiresAtMs: (payload.exp ?? 0) * 1000 });
    return caller;
  }

  private async verify(token: string, now: number): Promise<JWTPayload> {
    if (token === '') throw this.unauthorized('Access token is empty.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(now),
        requiredClaims: ['tid', 'exp', 'iss', 'aud'],
      }));
    } catch (error) {
      throw this.unauthorized(verificationFailure(error));
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (
      !audiences.some((aud) => aud === GRAPH_RESOURCE || aud === `${GRAPH_RESOURCE}/` || aud === GRAPH_APP_ID)
    ) {
      throw this.unauthorized('Access token validation failure. Invalid audience.');
    }
    if (typeof payload.tid !== 'string' || payload.iss !== this.options.issuerFor(payload.tid)) {
      throw this.unauthorized('Access token validation failure. Invalid issuer.');
    }
    return payload;
  }

  private unauthorized(message: string): GraphHttpError {
    // Graph names where to get a token in WWW-Authenticate (RFC 6750) on every 401.
    return new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${this.options.authorityHost()}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
    });
  }
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) return '';
  const match = /^Bearer\s+(.*)$/i.exec(authorization.trim());
  return match ? match[1]!.trim() : '';
}

function verificationFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'Access token validation failure. Signature validation failed.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'nbf'
      ? 'Lifetime validation failed, the token is not yet valid.'
      : `Access token validation failure. Invalid ${error.claim} claim.`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'Access token validation failure. Signature algorithm not supported.';
  return 'IDX14100: JWT is not well formed. The token needs to be in JWS or JWE Compact Serialization Format.';
}
