import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EnvelopeSealer } from './envelope-sealer';
import { KeyVaultKeyWrapper, type KeyVaultCrypto } from './key-vault-key-wrapper';
import { LocalKeyWrapper } from './local-key-wrapper';
import { SealerError } from './sealer-error';

const SECRET = 'Qx8~abcDEF0123456789.ghijKLMNopqr_stuVWX';
const TENANT = { tenantId: '6d0c2f8e-3b9a-4c1e-9f7d-2a5b8c4e1f03' };

describe('EnvelopeSealer', () => {
  const sealer = new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32)));

  it('round-trips a secret and never stores its bytes in clear', async () => {
    const sealed = await sealer.seal(SECRET, TENANT);
    assert.ok(!sealed.includes(SECRET));
    assert.ok(!Buffer.from(sealed).includes(Buffer.from(SECRET)));
    assert.equal(await sealer.unseal(sealed, TENANT), SECRET);
  });

  it('writes the v1 envelope: prefix, key id and five base64url parts', async () => {
    const wrapper = new LocalKeyWrapper(randomBytes(32));
    const sealed = await new EnvelopeSealer(wrapper).seal(SECRET, TENANT);
    const parts = sealed.split('.');
    assert.equal(parts.length, 6);
    assert.equal(parts[0], 'cvs1');
    assert.equal(Buffer.from(parts[1]!, 'base64url').toString(), wrapper.keyId);
    for (const part of parts.slice(1)) assert.match(part, /^[A-Za-z0-9_-]+$/);
  });

  it('seals the same secret differently each time (fresh data key and nonce)', async () => {
    assert.notEqual(await sealer.seal(SECRET, TENANT), await sealer.seal(SECRET, TENANT));
  });

  it('refuses an envelope moved to another tenant', async () => {
    const sealed = await sealer.seal(SECRET, TENANT);
    await assert.rejects(
      sealer.unseal(sealed, { tenantId: 'another-tenant' }),
      (e) => e instanceof SealerError && e.reason === 'tampered',
    );
  });

  it('refuses a changed ciphertext', async () => {
    const parts = (await sealer.seal(SECRET, TENANT)).split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    await assert.rejects(
      sealer.unseal(parts.join('.'), TENANT),
      (e) => e instanceof SealerError && e.reason === 'tampered',
    );
  });

  it('names the missing key when the envelope was sealed under another key', async () => {
    const other = new LocalKeyWrapper(randomBytes(32));
    const sealed = await new EnvelopeSealer(other).seal(SECRET, TENANT);
    await assert.rejects(
      sealer.unseal(sealed, TENANT),
      (e) => e instanceof SealerError && e.reason === 'unknown_key' && e.message.includes(other.keyId),
    );
  });

  it('unseals with a previous key after rotation, and seals with the new one', async () => {
    const oldKey = new LocalKeyWrapper(randomBytes(32));
    const newKey = new LocalKeyWrapper(randomBytes(32));
    const sealedOld = await new EnvelopeSealer(oldKey).seal(SECRET, TENANT);
    const rotated = new EnvelopeSealer(newKey, [oldKey]);
    assert.equal(await rotated.unseal(sealedOld, TENANT), SECRET);
    const resealed = await rotated.seal(SECRET, TENANT);
    assert.equal(Buffer.from(resealed.split('.')[1]!, 'base64url').toString(), newKey.keyId);
  });

  it('rejects what is not a v1 envelope', async () => {
    for (const bad of ['', SECRET, 'cvs2.a.b.c.d.e', 'cvs1.a.b.c']) {
      await assert.rejects(
        sealer.unseal(bad, TENANT),
        (e) => e instanceof SealerError && e.reason === 'malformed',
      );
    }
  });

  it('works through the Key Vault seam (wrapKey/unwrapKey)', async () => {
    const vaultKey = randomBytes(32);
    const calls: string[] = [];
    // A stand-in vault: XOR is enough to prove the data key only travels wrapped.
    const crypto: KeyVaultCrypto = {
      async wrapKey(alg, key) {
        calls.push(`wrap:${alg}`);
        return { result: Buffer.from(key).map((b, i) => b ^ vaultKey[i]!) };
      },
      async unwrapKey(alg, wrapped) {
        calls.push(`unwrap:${alg}`);
        return { result: Buffer.from(wrapped).map((b, i) => b ^ vaultKey[i]!) };
      },
    };
    const kv = new EnvelopeSealer(new KeyVaultKeyWrapper(crypto, 'https://vault.example/keys/seal/1'));
    const sealed = await kv.seal(SECRET, TENANT);
    assert.equal(await kv.unseal(sealed, TENANT), SECRET);
    assert.deepEqual(calls, ['wrap:RSA-OAEP-256', 'unwrap:RSA-OAEP-256']);
  });
});
