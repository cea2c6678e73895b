import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deriveKey } from './derived-key';

describe('deriveKey', () => {
  it('gives each purpose its own stable 32-byte key, never the sealing key itself', () => {
    const sealing = { kind: 'key' as const, key: randomBytes(32) };
    const buttons = deriveKey(sealing, 'bot-card-actions');
    assert.equal(buttons.length, 32);
    assert.deepEqual(deriveKey(sealing, 'bot-card-actions'), buttons);
    assert.notDeepEqual(deriveKey(sealing, 'other'), buttons);
    assert.notDeepEqual(buttons, sealing.key);
    assert.notDeepEqual(deriveKey({ kind: 'key', key: randomBytes(32) }, 'bot-card-actions'), buttons);
  });
});
