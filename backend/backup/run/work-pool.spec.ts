import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { systemClock } from '../../connection/clock';
import type { TenantGraphSource } from '../../graph/tenant-graph-source';
import type { BackupStore } from '../../store/backup-store';
import { openSqlite } from '../../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../store/sqlite/sqlite-backup-store';
import { resolveBackupSettings } from '../backup-settings';
import type { MessageSink } from '../messages/message-sink';
import type { RunContext } from './run-context';
import { RunTally } from './run-tally';
import { workUntilIdle } from './work-pool';

const TENANT = '3c2d1e0f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const RUN = 'run-1';

describe('workUntilIdle', () => {
  let db: Database.Database;

  afterEach(() => db.close());

  it('lets the items in hand finish before failing when the store fails a claim', async () => {
    db = openSqlite(':memory:');
    const real = createSqliteBackupStore(db);
    await real.addWorkItems(TENANT, RUN, ['pinned:chat-1', 'pinned:chat-2']);
    let claims = 0;
    const store = new Proxy(real, {
      get(target, name, receiver) {
        if (name === 'claimWorkItem') {
          return (...args: Parameters<BackupStore['claimWorkItem']>) => {
            if (++claims > 1) return Promise.reject(new Error('the store is unavailable'));
            return target.claimWorkItem(...args);
          };
        }
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    const events: string[] = [];
    const graph = {
      pinnedMessages: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push('item read');
        return [];
      },
    } as unknown as TenantGraphSource;
    const ctx: RunContext = {
      tenantId: TENANT,
      run: {
        runId: RUN,
        mode: 'full',
        strategy: 'per-user',
        phase: 'messages',
        startedAt: new Date().toISOString(),
      },
      graph,
      store,
      sink: {} as MessageSink,
      tally: new RunTally(),
      clock: systemClock,
      settings: resolveBackupSettings({ concurrency: 4, idlePollMs: 10 }),
      hooks: { at: () => undefined },
      signal: new AbortController().signal,
      knownChats: new Set(),
      recordedChats: new Map(),
    };

    await assert.rejects(
      workUntilIdle(ctx, 'holder', async () => 'stop').finally(() => events.push('pool ended')),
      /the store is unavailable/,
    );
    assert.deepEqual(events, ['item read', 'pool ended']);
    const counts = await real.countWorkItems(TENANT, RUN);
    assert.equal(counts.done, 1, 'the item in hand was recorded done');
    assert.equal(counts.claimed, 0);
  });
});
