import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { ManualClock } from '../../test/support/manual-clock';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { AuditLog } from './audit-log';
import { isGovernanceError } from './governance-error';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ADA = { kind: 'user' as const, id: '5f6a1d0e-0000-4000-8000-00000000ad01', name: 'Ada' };

describe('AuditLog', () => {
  let db: Database.Database;
  let clock: ManualClock;
  let audit: AuditLog;
  beforeEach(() => {
    db = openSqlite(':memory:');
    clock = new ManualClock('2026-05-01T10:00:00Z');
    audit = new AuditLog({ store: new SqliteConnectionStore(db), clock });
  });
  afterEach(() => db.close());

  it('records an action at the clock’s time with its subject and details, and lists newest first', async () => {
    const first = await audit.record(A, ADA, 'backup_started', {
      subject: 'run-1',
      details: { mode: 'full', manual: true },
    });
    clock.advance(60_000);
    await audit.record(A, { kind: 'system', name: 'notifier' }, 'unsubscribed', { subject: 'target-1' });
    clock.advance(60_000);
    await audit.record(A, ADA, 'schedule_changed', { details: {} });

    const events = await audit.list(A);
    assert.deepEqual(
      events.map((e) => [e.action, e.at, e.subject]),
      [
        ['schedule_changed', '2026-05-01T10:02:00.000Z', undefined],
        ['unsubscribed', '2026-05-01T10:01:00.000Z', 'target-1'],
        ['backup_started', '2026-05-01T10:00:00.000Z', 'run-1'],
      ],
    );
    assert.deepEqual(events[2], first);
    assert.deepEqual(first.details, { mode: 'full', manual: true });
    assert.equal(Object.hasOwn(events[0]!, 'details'), false, 'empty details are not stored');
    assert.deepEqual(
      (await audit.list(A, { limit: 1 })).map((e) => e.action),
      ['schedule_changed'],
    );
    assert.deepEqual(await audit.list(B), []);
  });

  it('refuses a malformed tenant id and a limit outside 1 to 1000', async () => {
    for (const tenantId of ['', 'not-a-tenant', `${A}x`]) {
      await assert.rejects(audit.record(tenantId, ADA, 'browsed'), (e) =>
        isGovernanceError(e, 'invalid_input'),
      );
      await assert.rejects(audit.list(tenantId), (e) => isGovernanceError(e, 'invalid_input'));
    }
    for (const limit of [0, -1, 1.5, 1001]) {
      await assert.rejects(
        audit.list(A, { limit }),
        (e) => isGovernanceError(e, 'invalid_input') && e.field === 'limit',
      );
    }
    assert.equal((await audit.list(A, { limit: 1000 })).length, 0);
  });
});
