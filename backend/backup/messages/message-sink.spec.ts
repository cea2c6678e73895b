import assert from 'node:assert/strict';
import { systemClock } from '../../connection/clock';
import type { GraphChatMessage } from '../../graph/tenant-graph-source';
import type { MessageHead, MessageVersion, PutVersionsResult } from '../../store/backup-records';
import { mergeHead } from '../../store/message-heads';
import { HostedContentCapture } from '../hosted/hosted-content-capture';
import { NO_HOOKS } from '../run/backup-hooks';
import { RunTally } from '../run/run-tally';
import { MessageSink } from './message-sink';

const TENANT = '8e5f4c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b';

function message(id: string, etag: string, extra: Partial<GraphChatMessage> = {}): GraphChatMessage {
  return {
    id,
    chatId: 'chat',
    etag,
    messageType: 'message',
    createdDateTime: '2026-01-01T00:00:00Z',
    lastModifiedDateTime: `2026-01-01T00:00:0${etag}Z`,
    deletedDateTime: null,
    from: { user: { id: 'ann' } },
    body: { contentType: 'text', content: 'hi' },
    ...extra,
  };
}

/** Heads and versions in memory; `log` records the order of the calls that matter. */
class MemoryMessages {
  heads = new Map<string, MessageHead>();
  log: string[] = [];
  /** Resolved by the test to let a pending put finish. */
  hold?: Promise<void>;

  async getMessageHeads(
    _tenantId: string,
    _chatId: string,
    ids: string[],
  ): Promise<Map<string, MessageHead>> {
    return new Map(ids.flatMap((id) => (this.heads.has(id) ? [[id, this.heads.get(id)!] as const] : [])));
  }

  async putMessageVersions(tenantId: string, versions: MessageVersion[]): Promise<PutVersionsResult> {
    this.log.push(`put ${versions.map((v) => v.messageId).join(',')}`);
    await this.hold;
    let newVersions = 0;
    for (const version of versions) {
      const merged = mergeHead(tenantId, this.heads.get(version.messageId), [version]);
      newVersions += merged.added.length;
      this.heads.set(version.messageId, merged.head);
    }
    return { newMessages: 0, newVersions, deletionsSeen: 0, unchanged: versions.length - newVersions };
  }
}

describe('MessageSink', () => {
  let store: MemoryMessages;
  let tally: RunTally;
  let sink: MessageSink;

  beforeEach(() => {
    store = new MemoryMessages();
    tally = new RunTally();
    sink = new MessageSink({
      tenantId: TENANT,
      runId: 'run-1',
      store,
      capture: new HostedContentCapture({
        tenantId: TENANT,
        graph: { hostedContent: async () => ({ bytes: Buffer.from('x'), contentType: 'image/png' }) },
        blobs: { put: async () => ({ sha256: 'a'.repeat(64), size: 1, existed: false }) },
        hooks: NO_HOOKS,
        concurrency: 2,
      }),
      tally,
      hooks: NO_HOOKS,
      clock: systemClock,
    });
  });

  it('stores only states the store does not have, and counts new, changed and deleted', async () => {
    await sink.store([message('a', '1'), message('b', '1')]);
    const page = await sink.store([
      message('a', '1'),
      message('b', '2'),
      message('c', '1'),
      message('a', '1'),
    ]);
    assert.equal(page.stored, 2);
    await sink.store([message('c', '2', { deletedDateTime: '2026-01-02T00:00:00Z' })]);
    const { add } = tally.take();
    assert.deepEqual([add.messagesNew, add.messagesChanged, add.messagesDeleted, add.versions], [3, 1, 1, 5]);
  });

  it('records the work a page implies before it stores the page', async () => {
    const pinned = message('p', '1', {
      messageType: 'systemEventMessage',
      eventDetail: { '@odata.type': '#microsoft.graph.messagePinnedEventMessageDetail' },
    });
    await sink.store([pinned, message('q', '1')], {
      beforeStore: async (chats) => {
        store.log.push(
          `before ${[...chats].map(([id, changes]) => `${id}:${[...changes].join('+')}`).join(';')}`,
        );
      },
    });
    assert.deepEqual(store.log, ['before chat:pinned', 'put p,q']);
    // Read again, the page holds nothing new: no work would be asked for a second time.
    store.log = [];
    await sink.store([pinned], { beforeStore: async () => void store.log.push('before') });
    assert.deepEqual(store.log, []);
  });

  it('waits for a state another worker is storing instead of storing it twice', async () => {
    let release!: () => void;
    store.hold = new Promise<void>((resolve) => (release = resolve));
    const first = sink.store([message('a', '1')]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await sink.store([message('a', '1')]);
    let settled = false;
    void second.settled.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the page is not durable until the shared state is');
    release();
    await first;
    await second.settled;
    assert.equal(second.stored, 0);
    assert.deepEqual(store.log, ['put a']);
  });

  it('stores plain states at once and states with images once their images are stored', async () => {
    let release!: () => void;
    const images = new Promise<void>((resolve) => (release = resolve));
    sink = new MessageSink({
      tenantId: TENANT,
      runId: 'run-1',
      store,
      capture: new HostedContentCapture({
        tenantId: TENANT,
        graph: {
          hostedContent: async () => {
            await images;
            return { bytes: Buffer.from('x'), contentType: 'image/png' };
          },
        },
        blobs: { put: async () => ({ sha256: 'b'.repeat(64), size: 1, existed: false }) },
        hooks: NO_HOOKS,
        concurrency: 2,
      }),
      tally,
      hooks: NO_HOOKS,
      clock: systemClock,
    });
    const picture = message('pic', '1', {
      body: { contentType: 'html', content: '<img src="../hostedContents/h1/$value">' },
    });
    const page = await sink.store([message('plain', '1'), picture]);
    assert.deepEqual(store.log, ['put plain']);
    release();
    await page.settled;
    assert.deepEqual(store.log, ['put plain', 'put pic']);
    assert.equal(store.heads.get('pic')?.versionCount, 1);
  });
});
