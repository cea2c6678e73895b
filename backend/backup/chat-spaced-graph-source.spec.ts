import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModifiedWindow } from '../graph/tenant-graph-source';
import { chatSpacedGraphSource } from './chat-spaced-graph-source';
import { FakeGraphSource } from './testdata/fake-graph-source';

describe('chatSpacedGraphSource', () => {
  /** A source whose hosted content reads take 20 ms and record when they ran. */
  function timedSource() {
    const fake = new FakeGraphSource();
    const spans: { chatId: string; start: number; end: number }[] = [];
    let running = 0;
    let mostAtOnce = 0;
    fake.hostedContent = async (chatId: string) => {
      const start = Date.now();
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(20);
      running--;
      spans.push({ chatId, start, end: Date.now() });
      return { bytes: Buffer.from('x'), contentType: 'image/png' };
    };
    return { fake, spans, mostAtOnce: () => mostAtOnce };
  }

  it('sends one read per chat at a time, each at least the gap after the previous answer', async () => {
    const { fake, spans } = timedSource();
    const spaced = chatSpacedGraphSource(fake, 60, 8);
    await Promise.all([1, 2, 3].map((i) => spaced.hostedContent('chat-a', 'm', `h${i}`)));
    const a = spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < a.length; i++)
      assert.ok(a[i]!.start - a[i - 1]!.end >= 59, `gap ${a[i]!.start - a[i - 1]!.end} ms`);
  });

  it('reads different chats at once, at most `inFlight` of them', async () => {
    const { fake, spans, mostAtOnce } = timedSource();
    const spaced = chatSpacedGraphSource(fake, 60, 3);
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((chat) => spaced.hostedContent(chat, 'm', 'h')));
    assert.equal(spans.length, 6);
    assert.equal(mostAtOnce(), 3, 'three chats read at once, never more');
  });

  it('spaces the pages of a chat listing like any other read of the chat', async () => {
    const fake = new FakeGraphSource();
    fake.addUser('ann');
    fake.addChat('chat', ['ann']);
    for (let i = 0; i < 120; i++) fake.post('chat', { id: `m${i}` });
    const times: number[] = [];
    const pages = fake.chatMessages.bind(fake);
    fake.chatMessages = (chatId: string, window: ModifiedWindow) =>
      (async function* () {
        for await (const page of pages(chatId, window)) {
          times.push(Date.now());
          yield page;
        }
      })();
    const spaced = chatSpacedGraphSource(fake, 40, 4);
    let count = 0;
    for await (const page of spaced.chatMessages('chat', {})) count += page.length;
    assert.equal(count, 120);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 39);
  });
});
