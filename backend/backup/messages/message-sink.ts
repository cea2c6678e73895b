import type { GraphChatMessage } from '../../graph/tenant-graph-source';
import type { BackupStore } from '../../store/backup-store';
import type { HostedContentRef, MessageVersion } from '../../store/backup-records';
import { classifyFetchedMessage, type FetchedMessageClass } from '../../store/message-heads';
import type { Clock } from '../../connection/clock';
import { HostedContentCapture } from '../hosted/hosted-content-capture';
import { hostedContentsIn, locationKey, type HostedContentLocation } from '../hosted/hosted-content-refs';
import type { BackupHooks } from '../run/backup-hooks';
import type { RunTally } from '../run/run-tally';
import { chatChangeOf, type ChatChange } from '../versioning/chat-events';
import { fetchedMessage, toMessageVersion, type FetchedMessage } from '../versioning/message-version';

/** What one page changed in the store. */
export interface StoredPage {
  /** Messages in the page (duplicates of other workers' messages included). */
  fetched: number;
  /** Versions without hosted contents this page stored at once. */
  stored: number;
  /** Chats of the new states, with what their system events say changed in them. */
  chats: Map<string, Set<ChatChange>>;
  /**
   * Settles once the rest of the page is durable too: the states that wait for their hosted
   * contents, and the states another worker was storing. Rejects if any of them failed.
   */
  settled: Promise<void>;
}

export interface MessageSinkDeps {
  tenantId: string;
  runId: string;
  store: Pick<BackupStore, 'getMessageHeads' | 'putMessageVersions'>;
  capture: HostedContentCapture;
  tally: RunTally;
  hooks: BackupHooks;
  clock: Pick<Clock, 'now'>;
  /**
   * States waiting for their images this process holds at most: past it, `store` waits, so that
   * listings slow down to the pace images come in rather than piling pages up in memory.
   */
  maxWaitingForImages?: number;
}

const DEFAULT_MAX_WAITING_FOR_IMAGES = 2_000;

/**
 * Turns pages of fetched messages into stored versions: each message is classified against its
 * head (new, changed, newly deleted, or a state already stored), then the page's new states are
 * written in one call, except those with hosted contents (inline images), which are written once
 * their hosted contents are in the blob store.
 *
 * Images are read within other Teams reads' budget (30 per second for the tenant, 1 per second per
 * chat), far below getAllMessages' 200: `store` resolves as soon as the page's plain states are
 * durable, so that the listing reads on while images come in, and `settled` tells when the rest is.
 * A state another worker of this process is storing (a group chat's message reaches every member's
 * listing) is waited for through `settled`, never stored twice.
 */
export class MessageSink {
  private readonly inFlight = new Map<string, Promise<void>>();
  private waitingForImages = 0;
  private readonly wakeUps: (() => void)[] = [];

  constructor(private readonly deps: MessageSinkDeps) {}

  /**
   * `beforeStore` hears which chats the page's new states touch, and what their system events say
   * changed, before those states are written: work that follows from them (re-reading a chat's
   * members or pins) is recorded first, so a crash between the two cannot lose it. Once the states
   * are stored, reading them again finds nothing new and would not ask for that work again.
   */
  async store(
    messages: GraphChatMessage[],
    options: {
      chatId?: string;
      signal?: AbortSignal;
      beforeStore?: (chats: Map<string, Set<ChatChange>>) => Promise<void>;
    } = {},
  ): Promise<StoredPage> {
    const { tally } = this.deps;
    const mine = new Map<string, FetchedMessage>();
    const others: Promise<void>[] = [];
    for (const message of messages) {
      const fetched = fetchedMessage(message, options.chatId);
      if (!fetched) {
        tally.error({
          kind: 'message_without_chat',
          message: 'Graph returned a message without a chat id or message id; it was not stored.',
          at: this.now(),
          messageId: typeof message.id === 'string' ? message.id : undefined,
        });
        continue;
      }
      if (mine.has(fetched.versionId)) continue;
      const pending = this.inFlight.get(fetched.versionId);
      if (pending) others.push(pending);
      else mine.set(fetched.versionId, fetched);
    }

    const plain = deferred();
    const withImages = deferred();
    const hosted = new Map<string, HostedContentLocation[]>();
    for (const [versionId, fetched] of mine) {
      const locations = hostedContentsIn(fetched.message, fetched.chatId);
      if (locations.length > 0) hosted.set(versionId, locations);
      this.inFlight.set(versionId, locations.length > 0 ? withImages.promise : plain.promise);
    }
    const release = (ids: Iterable<string>) => {
      for (const id of ids) this.inFlight.delete(id);
    };

    const page: StoredPage = {
      fetched: messages.length,
      stored: 0,
      chats: new Map(),
      settled: Promise.resolve(),
    };
    let imagesStored: Promise<void>;
    try {
      const toStore = await this.classify([...mine.values()]);
      await this.deps.hooks.at('page-read');
      for (const { fetched } of toStore) {
        const change = chatChangeOf(fetched.message);
        let changes = page.chats.get(fetched.chatId);
        if (!changes) page.chats.set(fetched.chatId, (changes = new Set()));
        if (change) changes.add(change);
      }
      if (page.chats.size > 0) await options.beforeStore?.(page.chats);
      for (const { cls } of toStore) count(tally, cls);

      const capturedAt = this.now();
      const plainVersions = toStore
        .filter(({ fetched }) => !hosted.has(fetched.versionId))
        .map(({ fetched }) => this.version(fetched, capturedAt, []));
      if (plainVersions.length > 0) {
        const result = await this.deps.store.putMessageVersions(this.deps.tenantId, plainVersions);
        tally.add({ versions: result.newVersions });
        page.stored = result.newVersions;
      }
      plain.settle();
      release([...mine.keys()].filter((id) => !hosted.has(id)));

      const imageEntries = toStore
        .filter(({ fetched }) => hosted.has(fetched.versionId))
        .map(({ fetched }) => ({ fetched, locations: hosted.get(fetched.versionId)! }));
      this.waitingForImages += imageEntries.length;
      imagesStored = this.storeWithImages(imageEntries, options.signal).finally(() => {
        this.waitingForImages -= imageEntries.length;
        for (const wake of this.wakeUps.splice(0)) wake();
      });
      imagesStored = imagesStored.then(
        () => withImages.settle(),
        (error: unknown) => {
          withImages.settle(error);
          throw error;
        },
      );
      void imagesStored.then(
        () => release(hosted.keys()),
        () => release(hosted.keys()),
      );
    } catch (error) {
      plain.settle(error);
      withImages.settle(error);
      release(mine.keys());
      throw error;
    }
    await this.deps.hooks.at('page-stored');
    page.settled = Promise.all([imagesStored, ...others]).then(() => undefined);
    page.settled.catch(() => undefined);
    const most = this.deps.maxWaitingForImages ?? DEFAULT_MAX_WAITING_FOR_IMAGES;
    while (this.waitingForImages > most) await new Promise<void>((wake) => this.wakeUps.push(wake));
    return page;
  }

  /** States with hosted contents: the contents into the blob store first, then the states. */
  private async storeWithImages(
    entries: { fetched: FetchedMessage; locations: HostedContentLocation[] }[],
    signal?: AbortSignal,
  ): Promise<void> {
    if (entries.length === 0) return;
    const captured = await this.deps.capture.capture(
      entries.flatMap((entry) => entry.locations),
      signal,
    );
    this.deps.tally.add({ blobs: captured.newBlobs, bytes: captured.newBytes });
    for (const missing of captured.missing) {
      this.deps.tally.error({
        kind: 'hosted_content_missing',
        message: missing.message,
        at: this.now(),
        chatId: missing.location.chatId,
        messageId: missing.location.messageId,
      });
    }
    const capturedAt = this.now();
    const versions = entries.map(({ fetched, locations }) =>
      this.version(
        fetched,
        capturedAt,
        locations.flatMap((location) => {
          const ref = captured.refs.get(locationKey(location));
          return ref ? [ref] : [];
        }),
      ),
    );
    const result = await this.deps.store.putMessageVersions(this.deps.tenantId, versions);
    this.deps.tally.add({ versions: result.newVersions });
  }

  private version(
    fetched: FetchedMessage,
    capturedAt: string,
    hostedContents: HostedContentRef[],
  ): MessageVersion {
    return toMessageVersion(fetched, { runId: this.deps.runId, capturedAt, hostedContents });
  }

  private async classify(
    fetched: FetchedMessage[],
  ): Promise<{ fetched: FetchedMessage; cls: FetchedMessageClass }[]> {
    const byChat = new Map<string, FetchedMessage[]>();
    for (const item of fetched) {
      const list = byChat.get(item.chatId);
      if (list) list.push(item);
      else byChat.set(item.chatId, [item]);
    }
    const result: { fetched: FetchedMessage; cls: FetchedMessageClass }[] = [];
    for (const [chatId, items] of byChat) {
      const heads = await this.deps.store.getMessageHeads(
        this.deps.tenantId,
        chatId,
        items.map((item) => item.message.id),
      );
      for (const item of items) {
        const message = item.message;
        const cls = classifyFetchedMessage(heads.get(message.id), {
          etag: message.etag ?? null,
          lastModifiedDateTime: message.lastModifiedDateTime ?? null,
          createdDateTime: message.createdDateTime,
          deletedDateTime: message.deletedDateTime ?? null,
        });
        if (cls !== 'unchanged') result.push({ fetched: item, cls });
      }
    }
    return result;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function count(tally: RunTally, cls: FetchedMessageClass): void {
  switch (cls) {
    case 'new':
      tally.add({ messagesNew: 1 });
      return;
    case 'changed':
      tally.add({ messagesChanged: 1 });
      return;
    case 'deleted':
      tally.add({ messagesDeleted: 1 });
      return;
    case 'unchanged':
      return;
    default: {
      const unreachable: never = cls;
      throw new Error(`unknown message class ${String(unreachable)}`);
    }
  }
}

/** A promise with its settling function, settled at most once. */
function deferred(): { promise: Promise<void>; settle(error?: unknown): void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, settle: (error?: unknown) => (error === undefined ? resolve() : reject(error)) };
}
