import type { GraphChatMessage, ModifiedWindow } from '../../graph/tenant-graph-source';
import { runScope, usableWatermark } from '../scope/run-scope';
import { userWatermarkKey, type Watermark } from '../run/active-run';
import { addItems, type RunContext } from '../run/run-context';
import type { WorkItem } from '../run/work-item-key';
import { runChatsItem } from '../discovery/chat-items';
import type { ChatChange } from '../versioning/chat-events';
import { senderFiltered } from './sender-filtered-source';

export class StrategyUnsupportedError extends Error {
  readonly reason = 'strategy_unsupported';
  constructor(message: string) {
    super(message);
    this.name = 'StrategyUnsupportedError';
  }
}

/**
 * `read:<user>`: the user's getAllMessages. A full run reads all of it; an incremental one what was
 * modified after the user's watermark, and everything for a user it never read (a new user, one
 * who just got a license, or one who just came into the backup scope), whose chats it then lists
 * too. Once every page is durable, the watermark moves to when the read started (less the
 * overlap): the next run starts there.
 */
export async function runReadItem(ctx: RunContext, userId: string): Promise<void> {
  const startedAt = ctx.clock.now();
  const watermark = ctx.run.mode === 'incremental' ? await usableWatermark(ctx, userId) : undefined;
  if (ctx.run.mode === 'incremental' && !watermark) await runChatsItem(ctx, userId);
  const window: ModifiedWindow = watermark ? { after: watermark.after } : {};
  await harvest(ctx, ctx.graph.allMessages(userId, window, { signal: ctx.signal }), { userId });
  await advanceWatermark(ctx, userId, startedAt);
}

/** `sender:<user>`: the messages the user sent, in every chat they are in. */
export async function runSenderItem(ctx: RunContext, userId: string): Promise<void> {
  const source = senderFiltered(ctx.graph);
  if (!source) {
    throw new StrategyUnsupportedError(
      'The sender-split strategy needs getAllMessages filtered on the sender, which this Graph source does not offer.',
    );
  }
  await harvest(ctx, source.allMessagesFrom(userId, userId, {}, { signal: ctx.signal }), { userId });
}

/** `list:<chat>`: one chat's own listing, all of it. */
export async function runListItem(ctx: RunContext, chatId: string): Promise<void> {
  await harvest(ctx, ctx.graph.chatMessages(chatId, {}, { signal: ctx.signal }), { chatId });
}

/**
 * Moves a user's watermark forward (never back) to `startedAt` less the overlap, noting since when
 * the user was in scope as this process saw it before the read began.
 */
export async function advanceWatermark(ctx: RunContext, userId: string, startedAt: Date): Promise<void> {
  const key = userWatermarkKey(userId);
  const after = new Date(startedAt.getTime() - ctx.settings.watermarkOverlapMs).toISOString();
  const scopeSince = (await runScope(ctx)).sinceOf(userId);
  const current = (await ctx.store.getCheckpoint<Watermark>(ctx.tenantId, key))?.value;
  if (!current || current.after < after)
    await ctx.store.putCheckpoint<Watermark>(ctx.tenantId, key, { after, scopeSince });
}

/**
 * Stores every page, asking first for what the page shows changed around its messages: a chat the
 * store does not know yet, or one renamed, is listed again through this user (and an unknown one
 * read whole); membership and pin events make their chat's members or pins read again.
 */
async function harvest(
  ctx: RunContext,
  pages: AsyncIterable<GraphChatMessage[]>,
  via: { userId?: string; chatId?: string },
): Promise<void> {
  const beforeStore = async (chats: Map<string, Set<ChatChange>>): Promise<void> => {
    const items: WorkItem[] = [];
    let listChats = false;
    for (const [chatId, changes] of chats) {
      if (changes.has('pinned')) items.push({ kind: 'pinned', chatId });
      if (ctx.run.mode === 'incremental') {
        if (changes.has('members')) items.push({ kind: 'members', chatId });
        const known = await isKnownChat(ctx, chatId);
        if (changes.has('metadata') || !known) listChats = true;
        // A chat never backed up may hold history older than this user's watermark: someone in
        // scope just joined a chat of people out of it, or a chat's earlier members were never
        // readable. Its own listing reads all of it (docs/backup-scope.md, "Narrowing and widening").
        if (!known) items.push({ kind: 'list', chatId });
      }
    }
    if (listChats && via.userId) items.push({ kind: 'chats', userId: via.userId });
    await addItems(ctx, items);
  };
  // A page's states with images wait for them (other Teams reads: 30 per second for the tenant,
  // 1 per second per chat) while the listing reads on within its own budget; the item is done only
  // once every page has settled. `pagesInFlight` bounds the pages still waiting.
  // Counted rather than raced: Promise.race over pending pages would leave a reaction on each of
  // them at every turn, a leak as long as pages wait for their images.
  let waiting = 0;
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const allSettled = () => new Promise<void>((resolve) => (wake = resolve));
  for await (const page of pages) {
    if (failure) break;
    const stored = await ctx.sink.store(page, { chatId: via.chatId, signal: ctx.signal, beforeStore });
    waiting++;
    void stored.settled
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        waiting--;
        wake?.();
      });
    while (waiting >= ctx.settings.pagesInFlight) await allSettled();
  }
  while (waiting > 0) await allSettled();
  if (failure) throw failure.error;
}

async function isKnownChat(ctx: RunContext, chatId: string): Promise<boolean> {
  if (ctx.knownChats.has(chatId)) return true;
  const known = (await ctx.store.getChat(ctx.tenantId, chatId)) !== undefined;
  if (known) ctx.knownChats.add(chatId);
  return known;
}
