import assert from 'node:assert/strict';
import type { ConnectionRecord } from '../store/connection-records';
import { daysUntil, defaultExpiry, deriveStatus } from './connection-status';

const NOW = new Date('2026-05-01T10:00:00Z');

function saved(overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    tenantId: 't',
    appId: 'a',
    sealedSecret: 'cvs1.x',
    secretHint: 'Qx8',
    savedAt: NOW.toISOString(),
    savedBy: { kind: 'operator', name: 'ops' },
    expiresAt: '2028-05-01T10:00:00.000Z',
    permissions: [],
    lastTest: { at: NOW.toISOString(), ok: true, code: 'active', stage: 'graph' },
    status: 'active',
    revision: 1,
    ...overrides,
  };
}

describe('deriveStatus', () => {
  it('is Inactive without a connection and Active with a working one', () => {
    assert.equal(deriveStatus(undefined, NOW), 'inactive');
    assert.equal(deriveStatus(saved(), NOW), 'active');
  });

  it('is Expiring from 30 days before the expiry, and after it', () => {
    assert.equal(deriveStatus(saved({ expiresAt: '2026-05-31T10:00:00.000Z' }), NOW), 'expiring');
    assert.equal(deriveStatus(saved({ expiresAt: '2026-05-31T10:00:01.000Z' }), NOW), 'active');
    assert.equal(deriveStatus(saved({ expiresAt: '2026-04-01T10:00:00.000Z' }), NOW), 'expiring');
  });

  it('is Failing while the checks fail, whatever the expiry', () => {
    const failing = { since: NOW.toISOString(), code: 'expired_secret' as const, stage: 'token' as const };
    assert.equal(deriveStatus(saved({ failing, expiresAt: '2026-05-02T00:00:00.000Z' }), NOW), 'failing');
  });
});

describe('expiry arithmetic', () => {
  it('defaults to 24 months after saving', () => {
    assert.equal(defaultExpiry(NOW).toISOString(), '2028-05-01T10:00:00.000Z');
  });

  it('counts whole days left, rounding up', () => {
    assert.equal(daysUntil('2026-05-02T09:00:00.000Z', NOW), 1);
    assert.equal(daysUntil('2026-05-01T10:00:00.000Z', NOW), 0);
    assert.equal(daysUntil('2026-04-29T10:00:00.000Z', NOW), -2);
  });
});
