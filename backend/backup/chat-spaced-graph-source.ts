import { setTimeout as sleep } from 'node:timers/promises';
import type {
  GraphChatMember,
  GraphChatMessage,
  HostedContentBytes,
  ModifiedWindow,
  ReadOptions,
  TenantGraphSource,
} from '../graph/tenant-graph-source';
import { senderFiltered, type SenderFilteredGraphSource } from './messages/sender-filtered-source';

/**
 * Graph allows 1 request per second on any one chat [throttling-limits; GRAPH-FACTS]. A pacer that
 * spaces requests when it lets them go cannot promise that spacing on arrival: a request that then
 * queues behind its endpoint class is sent later than planned, and the next one for the same chat
 * may follow it too closely, earning a 429 that slows the whole class. So the engine sends one
 * request per chat at a time, and the next one no sooner than `gapMs` after the previous one's
 * answer came back: since a request is sent before its answer arrives, two requests on a chat are
 * then always at least `gapMs` apart, however long each waited in the pacer.
 *
 * At most `inFlight` chat reads are handed to the source at once. They share one budget (other
 * Teams reads, 30 per second): handed thousands at once (every image of a big first run), the
 * pacer would queue them for minutes while each chat waits its turn behind its own queued read.
 */
export function chatSpacedGraphSource(
  source: TenantGraphSource,
  gapMs = 1_050,
  inFlight = 12,
): TenantGraphSource {
  const chats = new Map<string, { turn: Promise<void>; doneAt: number; users: number }>();
  const slots = new Slots(inFlight);

  /** Forgets chats nobody waits for whose gap is over: they need no spacing any more. */
  function prune(): void {
    const now = Date.now();
    for (const [chatId, chat] of chats)
      if (chat.users === 0 && now - chat.doneAt > gapMs) chats.delete(chatId);
  }

  /** Runs `read` in the chat's turn, once `gapMs` have passed since the chat's previous answer. */
  async function inTurn<T>(chatId: string, read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (chats.size > 1_000) prune();
    let entry = chats.get(chatId);
    if (!entry) chats.set(chatId, (entry = { turn: Promise.resolve(), doneAt: 0, users: 0 }));
    const chat = entry;
    chat.users++;
    const previous = chat.turn;
    let finish!: () => void;
    chat.turn = new Promise<void>((resolve) => (finish = resolve));
    try {
      await previous;
      const wait = chat.doneAt + gapMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
      await slots.take(signal);
      try {
        return await read();
      } finally {
        slots.give();
      }
    } finally {
      chat.doneAt = Date.now();
      chat.users--;
      finish();
    }
  }

  async function* spacedPages(
    chatId: string,
    pages: AsyncIterable<GraphChatMessage[]>,
    signal?: AbortSignal,
  ): AsyncGenerator<GraphChatMessage[]> {
    const iterator = pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await inTurn(chatId, () => iterator.next(), signal);
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }

  const spaced: TenantGraphSource & Partial<SenderFilteredGraphSource> = {
    users: (options) => source.users(options),
    userChats: (userId, options) => source.userChats(userId, options),
    allMessages: (userId, window, options) => source.allMessages(userId, window, options),
    groupUserMembers: (groupId, options) => source.groupUserMembers(groupId, options),
    counts: () => source.counts(),
    chatMessages: (chatId: string, window: ModifiedWindow, options?: ReadOptions) =>
      spacedPages(chatId, source.chatMessages(chatId, window, options), options?.signal),
    chatMembers: (chatId: string, options?: ReadOptions): Promise<GraphChatMember[]> =>
      inTurn(chatId, () => source.chatMembers(chatId, options), options?.signal),
    pinnedMessages: (chatId: string, options?: ReadOptions) =>
      inTurn(chatId, () => source.pinnedMessages(chatId, options), options?.signal),
    hostedContent: (
      chatId: string,
      messageId: string,
      id: string,
      options?: ReadOptions,
    ): Promise<HostedContentBytes> =>
      inTurn(chatId, () => source.hostedContent(chatId, messageId, id, options), options?.signal),
  };
  const filtered = senderFiltered(source);
  if (filtered) spaced.allMessagesFrom = filtered.allMessagesFrom.bind(filtered);
  return spaced;
}

/** A counting semaphore, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        const index = this.waiting.indexOf(turn);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal!.reason);
      };
      this.waiting.push(turn);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
