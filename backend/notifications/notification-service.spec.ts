import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { ManualClock } from '../../test/support/manual-clock';
import type { UserDirectory } from '../directory/user-directory';
import { AdminService } from '../governance/admin-service';
import { AuditLog } from '../governance/audit-log';
import { isGovernanceError, type GovernanceErrorCode } from '../governance/governance-error';
import { silentLogger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../store/sqlite/sqlite-notification-target-store';
import { SqliteTenantAdminStore } from '../store/sqlite/sqlite-tenant-admin-store';
import { NotificationService, type SubscribeInput } from './notification-service';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ADA: Actor = { kind: 'user', id: '5f6a1d0e-0000-4000-8000-00000000ad01', name: 'Ada' };
const BOB: Actor = { kind: 'user', id: '5f6a1d0e-0000-4000-8000-0000000000b0', name: 'Bob' };
const GRACE: Actor = { kind: 'user', id: '5f6a1d0e-0000-4000-8000-00000000ad02', name: 'Grace' };

const noDirectory: UserDirectory = { find: async () => undefined, search: async () => [] };

function channel(overrides: Partial<SubscribeInput> = {}): SubscribeInput {
  return {
    targetId: '19:backups@thread.tacv2',
    kind: 'channel',
    label: 'IT / Backups',
    conversation: { conversation: { id: '19:backups@thread.tacv2' }, serviceUrl: 'https://smba.example/' },
    ...overrides,
  };
}

function rejectsWith(promise: Promise<unknown>, code: GovernanceErrorCode, field?: string) {
  return assert.rejects(promise, (error) => {
    assert.ok(isGovernanceError(error, code), `expected ${code}, got ${String(error)}`);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  });
}

describe('NotificationService', () => {
  let db: Database.Database;
  let clock: ManualClock;
  let audit: AuditLog;
  let service: NotificationService;

  beforeEach(async () => {
    db = openSqlite(':memory:');
    clock = new ManualClock('2026-05-01T10:00:00Z');
    audit = new AuditLog({ store: new SqliteConnectionStore(db), clock });
    const admins = new AdminService({
      store: new SqliteTenantAdminStore(db),
      directory: noDirectory,
      audit,
      clock,
      logger: silentLogger(),
    });
    await admins.claimFirstAdmin(A, { userId: (ADA as { id: string }).id });
    await admins.claimFirstAdmin(B, { userId: (BOB as { id: string }).id });
    service = new NotificationService({
      store: new SqliteNotificationTargetStore(db),
      admins,
      audit,
      clock,
      logger: silentLogger(),
    });
  });
  afterEach(() => db.close());

  it('subscribes a conversation for an admin, audited once; subscribing again refreshes it quietly', async () => {
    const { target, created } = await service.subscribe(A, ADA, channel());
    assert.equal(created, true);
    assert.deepEqual(target, {
      tenantId: A,
      targetId: '19:backups@thread.tacv2',
      kind: 'channel',
      label: 'IT / Backups',
      conversation: { conversation: { id: '19:backups@thread.tacv2' }, serviceUrl: 'https://smba.example/' },
      addedAt: '2026-05-01T10:00:00.000Z',
      addedBy: ADA,
    });
    clock.advance(60_000);
    const again = await service.subscribe(
      A,
      ADA,
      channel({ label: 'Backups', conversation: { moved: true } }),
    );
    assert.equal(again.created, false);
    assert.equal(again.target.addedAt, '2026-05-01T10:00:00.000Z');
    assert.deepEqual(await service.list(A), [again.target]);
    const subscribed = (await audit.list(A)).filter((e) => e.action === 'subscribed');
    assert.deepEqual(
      subscribed.map((e) => [e.subject, e.details]),
      [['19:backups@thread.tacv2', { kind: 'channel', label: 'IT / Backups' }]],
    );
  });

  it('unsubscribes, audited; a target of another tenant is not found there', async () => {
    await service.subscribe(A, ADA, channel());
    await rejectsWith(service.unsubscribe(B, BOB, '19:backups@thread.tacv2'), 'not_found', 'targetId');
    assert.equal((await service.list(A)).length, 1);
    assert.deepEqual(await service.list(B), []);
    const removed = await service.unsubscribe(A, ADA, '19:backups@thread.tacv2');
    assert.equal(removed.label, 'IT / Backups');
    assert.deepEqual(await service.list(A), []);
    const [event] = await audit.list(A);
    assert.deepEqual(
      [event?.action, event?.actor, event?.subject],
      ['unsubscribed', ADA, '19:backups@thread.tacv2'],
    );
    await rejectsWith(service.unsubscribe(A, ADA, '19:backups@thread.tacv2'), 'not_found');
  });

  it('lets only admins of the tenant subscribe or unsubscribe', async () => {
    await rejectsWith(service.subscribe(A, GRACE, channel()), 'not_admin');
    await rejectsWith(service.subscribe(A, BOB, channel()), 'not_admin');
    await service.subscribe(A, ADA, channel());
    await rejectsWith(service.unsubscribe(A, BOB, '19:backups@thread.tacv2'), 'not_admin');
    await rejectsWith(
      service.unsubscribe(A, { kind: 'system', name: 'x' }, '19:backups@thread.tacv2'),
      'not_admin',
    );
    assert.equal((await service.list(A)).length, 1);
  });

  it('refuses empty, oversized and malformed input, naming the field', async () => {
    await rejectsWith(service.subscribe(A, ADA, channel({ targetId: '' })), 'invalid_input', 'targetId');
    await rejectsWith(
      service.subscribe(A, ADA, channel({ targetId: 'x'.repeat(513) })),
      'invalid_input',
      'targetId',
    );
    await rejectsWith(service.subscribe(A, ADA, channel({ label: ' ' })), 'invalid_input', 'label');
    await rejectsWith(
      service.subscribe(A, ADA, channel({ label: 'l'.repeat(257) })),
      'invalid_input',
      'label',
    );
    await rejectsWith(
      service.subscribe(A, ADA, channel({ kind: 'team' as unknown as 'channel' })),
      'invalid_input',
      'kind',
    );
    await rejectsWith(
      service.subscribe(A, ADA, channel({ conversation: [] as unknown as Record<string, unknown> })),
      'invalid_input',
      'conversation',
    );
    await rejectsWith(
      service.subscribe(A, ADA, channel({ conversation: { blob: 'b'.repeat(20_000) } })),
      'invalid_input',
      'conversation',
    );
    await rejectsWith(service.subscribe('', ADA, channel()), 'invalid_input', 'tenantId');
    await rejectsWith(service.list('nope'), 'invalid_input', 'tenantId');
    assert.deepEqual(await service.list(A), []);
  });
});
