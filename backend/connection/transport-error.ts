/** Why a request got no HTTP answer at all. Diagnostic detail only: every reason is `unreachable`. */
export type TransportReason = 'refused' | 'timeout' | 'dns' | 'tls' | 'reset' | 'other';

const BY_CODE: Record<string, TransportReason> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

/**
 * Classifies a network error by its `code` (Node's errno names, undici's UND_ERR_*, OpenSSL's
 * verify codes) or its class name, following `cause` links: fetch wraps the socket error in a
 * TypeError("fetch failed").
 */
export function transportReason(error: unknown): TransportReason {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code]!;
    if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  }
  return 'other';
}
