import assert from 'node:assert/strict';
import { z } from 'zod';
import { decodeToken, encodeToken, tokenInteger } from './skip-token';

describe('skip tokens', () => {
  const schema = z.tuple([z.literal('chatMessages'), z.string(), tokenInteger]);

  it('round-trips a tuple through a URL-safe opaque string', () => {
    const token = encodeToken(['chatMessages', '19:a@thread.v2', 1_700_000_000_000]);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeToken(token, schema), ['chatMessages', '19:a@thread.v2', 1_700_000_000_000]);
  });

  it('refuses tokens of another listing, altered, truncated or not base64url', () => {
    const token = encodeToken(['chatMessages', 'c', 1]);
    assert.equal(decodeToken(encodeToken(['users', 'c', 1]), schema), undefined);
    assert.equal(decodeToken(encodeToken(['chatMessages', 'c', 1.5]), schema), undefined);
    assert.equal(decodeToken(token.slice(0, -4), schema), undefined);
    assert.equal(decodeToken(`${token}=`, schema), undefined);
    assert.equal(decodeToken('', schema), undefined);
  });
});
