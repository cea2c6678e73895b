import assert from 'node:assert/strict';
import type { PacedTenantGraphSource } from '../../backend/graph/create-tenant-graph-source';
import { GraphReadError } from '../../backend/graph/tenant-graph-source';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { ManualClock } from '../../simulator/state/clock';
import { DEFAULT_THROTTLE_LIMITS, NO_FAULTS } from '../../simulator/throttle/throttle-limits';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  messageKey,
  pagesOf,
  readableTruth,
  rejectionOf,
  sourceFor,
  teamsUserIds,
} from './graph-source-helpers';

/** Every read a backup makes of the tenant's messages, each as its pages of message keys, in order. */
type Reading = Record<string, string[][]>;

/** A client allowed far more than Graph takes: only the simulator's limits hold it back. */
const FAST = {
  perClass: { getAllMessages: 1000, teamsGet: 1000, directory: 1000 },
  perChat: 1000,
  perUser: 1000,
  headroom: 1,
};
/** Backoff short enough for a test; the shape (exponential, full jitter) is the production one. */
const QUICK_RETRY = {
  throttleBackoff: { baseMs: 20, capMs: 200 },
  transientBackoff: { baseMs: 10, capMs: 100 },
};

describe('tenant graph source: throttling, faults and cancellation', function () {
  this.timeout(120_000);

  let sim: SimulatorHandle;
  let tenantId: string;
  let users: string[];
  let chats: string[];
  /** What an undisturbed read returns: the yardstick for every disturbed one. */
  let reference: Reading;

  before(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({
        contoso: { ...SMALL_TENANT, users: 6, chats: 6, messages: 400 },
        fabrikam: SMALL_TENANT,
      }),
      clock: new ManualClock(Date.UTC(2026, 5, 1)),
    });
    tenantId = sim.demoApp('ok').tenantId;
    users = teamsUserIds(sim, tenantId);
    chats = [...new Set(readableTruth(sim, tenantId).map((m) => m.chatId))];
    sim.setThrottle({ enabled: false });
    reference = await readEverything(sourceFor(sim, 'ok', { limits: FAST }));
    const pages = Object.values(reference).reduce((sum, read) => sum + read.length, 0);
    assert.ok(pages > users.length + chats.length, 'every read fits one page: paging would not be exercised');
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.setThrottle(DEFAULT_THROTTLE_LIMITS);
    sim.setFaults(NO_FAULTS);
    sim.resetCounters();
  });

  async function readEverything(source: PacedTenantGraphSource, signal?: AbortSignal): Promise<Reading> {
    const reads = [
      ...users.map(
        async (userId) =>
          [`user ${userId}`, await keyPages(source.allMessages(userId, {}, { signal }))] as const,
      ),
      ...chats.map(
        async (chatId) =>
          [`chat ${chatId}`, await keyPages(source.chatMessages(chatId, {}, { signal }))] as const,
      ),
    ];
    return Object.fromEntries(await Promise.all(reads));
  }

  it('returns every page exactly once, in order, when Graph allows far less than the client asks for', async () => {
    sim.setThrottle({
      perClass: { ...DEFAULT_THROTTLE_LIMITS.perClass, getAllMessages: 5, teamsGet: 5 },
      perUserChatList: 5,
      perChat: 5,
    });
    const source = sourceFor(sim, 'ok', {
      limits: { ...FAST, perClass: { getAllMessages: 50, teamsGet: 50 } },
      retry: QUICK_RETRY,
    });

    // One signal for the whole run, as the engine passes it: many reads wait on it at once.
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      assert.deepEqual(await readEverything(source, new AbortController().signal), reference);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning'),
      [],
    );

    const counts = source.counts();
    const served = sim.counters().graph;
    assert.ok(counts.throttled > 0, 'no 429 was met: the test did not test throttling');
    assert.equal(counts.throttled, served.throttled.getAllMessages + served.throttled.teamsGet);
    assert.equal(counts.byClass.getAllMessages.throttled, served.throttled.getAllMessages);
    assert.equal(counts.requests, served.total);
    assert.equal(counts.retried, counts.throttled);
    // The class gates slowed down after the 429s.
    assert.ok(source.rates().getAllMessages < 50);
  });

  it('loses nothing when 20% of requests fail with 503 or 504', async () => {
    sim.setThrottle({ enabled: false });
    sim.setFaults({ transientErrorRate: 0.2 });
    const source = sourceFor(sim, 'ok', { limits: FAST, retry: QUICK_RETRY });

    assert.deepEqual(await readEverything(source), reference);

    const counts = source.counts();
    const byStatus = sim.counters().graph.byStatus;
    const failed = (byStatus[503] ?? 0) + (byStatus[504] ?? 0);
    assert.ok(failed > 0);
    assert.equal(counts.transient, failed);
    assert.equal(counts.retried, failed);
  });

  it('backs off with jitter when a 429 comes without Retry-After, and still loses nothing', async () => {
    sim.setThrottle({ perClass: { ...DEFAULT_THROTTLE_LIMITS.perClass, getAllMessages: 5, teamsGet: 5 } });
    sim.setFaults({ omitRetryAfterRate: 1 });
    const source = sourceFor(sim, 'ok', {
      limits: { ...FAST, perClass: { getAllMessages: 50, teamsGet: 50 } },
      retry: QUICK_RETRY,
    });

    assert.deepEqual(await readEverything(source), reference);

    const counts = source.counts();
    assert.ok(counts.throttled > 0);
    assert.equal(counts.throttledWithoutRetryAfter, counts.throttled);
  });

  it("fails 'unavailable' after 8 attempts when the service never recovers", async () => {
    sim.setFaults({ transientErrorRate: 1 });
    const source = sourceFor(sim, 'ok', { retry: QUICK_RETRY });

    const error = await rejectionOf(pagesOf(source.allMessages(users[0]!, {})));
    assert.ok(error instanceof GraphReadError);
    assert.equal(error.reason, 'unavailable');
    assert.ok(error.status === 503 || error.status === 504);
    assert.equal(source.counts().transient, 8);
    assert.equal(sim.counters().graph.total, 8);
  });

  it('stops waiting for a paced slot the moment the read is cancelled', async () => {
    // One request per 5 s for a user: uncancelled, the second page would come, and the test fail.
    const source = sourceFor(sim, 'ok', { limits: { perUser: 0.2 } });
    const controller = new AbortController();
    const pages = source.allMessages(users[0]!, {}, { signal: controller.signal })[Symbol.asyncIterator]();
    assert.equal((await pages.next()).done, false);
    const second = pages.next();
    controller.abort();

    const error = await rejectionOf(second);
    assert.ok(error instanceof GraphReadError);
    assert.equal(error.reason, 'cancelled');
    assert.equal(sim.counters().graph.total, 1);
  });

  it('stops waiting out a Retry-After the moment the read is cancelled', async () => {
    sim.setThrottle({
      perClass: { ...DEFAULT_THROTTLE_LIMITS.perClass, getAllMessages: 1 },
      retryAfterSeconds: 600,
    });
    const source = sourceFor(sim, 'ok', { limits: FAST });
    const controller = new AbortController();
    // Users with more than one page: none of their reads can finish before the pause.
    const paged = users.filter((userId) => reference[`user ${userId}`]!.length > 1);
    assert.ok(paged.length > 1);
    const reads = paged.map((userId) =>
      pagesOf(source.allMessages(userId, {}, { signal: controller.signal })),
    );
    // Wait (for a state, not for a time) until a 429 has paused the class for ten minutes.
    while (source.counts().throttled === 0) await new Promise((resolve) => setImmediate(resolve));
    const sent = source.counts().requests;
    controller.abort();

    for (const read of reads) {
      const error = await rejectionOf(read);
      assert.ok(error instanceof GraphReadError);
      assert.equal(error.reason, 'cancelled');
    }
    assert.equal(source.counts().requests, sent);
  });
});

async function keyPages(pages: AsyncIterable<{ chatId: string | null; id: string }[]>): Promise<string[][]> {
  return (await pagesOf(pages)).map((page) => page.map(messageKey));
}
