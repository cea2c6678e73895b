import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';

/** An RS256 key the token service signs with, and its public half as a JWK. */
export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
}

/**
 * The simulator's keys, made fresh at every start (tokens of an earlier run fail their signature
 * check, as after a key rollover). `foreign` is never published: tests sign with it to present a
 * token whose signature no JWKS of this simulator can verify.
 */
export interface SimulatorKeys {
  signing: SigningKey;
  foreign: SigningKey;
}

export async function createSimulatorKeys(): Promise<SimulatorKeys> {
  const [signing, foreign] = await Promise.all([createSigningKey(), createSigningKey()]);
  return { signing, foreign };
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const jwk = await exportJWK(publicKey);
  // Entra's key ids are the base64url SHA-1 thumbprint of the certificate (x5t); the JWK
  // thumbprint plays that part here: stable for the key, opaque to clients.
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid } };
}

/** The JWKS document Entra serves at `/{tenant}/discovery/v2.0/keys`. */
export function jwksDocument(key: SigningKey, issuer: string): { keys: JWK[] } {
  return {
    keys: [
      {
        kty: 'RSA',
        use: 'sig',
        kid: key.kid,
        x5t: key.kid,
        n: key.publicJwk.n,
        e: key.publicJwk.e,
        issuer,
      } as JWK,
    ],
  };
}
