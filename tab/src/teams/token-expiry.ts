/**
 * When a JWT expires, read from its payload without verifying it: the server verifies every token;
 * the tab only wants to know whether a cached one is still worth sending.
 */
function tokenExpiresAtMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    return typeof json.exp === 'number' ? json.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A token this close to its expiry is renewed instead of sent. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** Keeps the last token until it is about to expire or the server refuses it. */
export class CachedToken {
  private cached: { token: string; expiresAtMs: number } | undefined;

  constructor(private readonly fetchToken: () => Promise<string>) {}

  async token(renew: boolean): Promise<string> {
    if (!renew && this.cached && this.cached.expiresAtMs - RENEW_BEFORE_MS > Date.now())
      return this.cached.token;
    const token = await this.fetchToken();
    this.cached = { token, expiresAtMs: tokenExpiresAtMs(token) ?? 0 };
    return token;
  }
}
