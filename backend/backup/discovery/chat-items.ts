import { addItems, nowIso, type RunContext } from '../run/run-context';
import type { WorkItem } from '../run/work-item-key';
import { memberInput } from './chat-records';
import { discoverChats } from './discover-chats';

/** `chats:<user>`: the user's chats and their members; big chats' members become items of their own. */
export async function runChatsItem(ctx: RunContext, userId: string): Promise<void> {
  const found = await discoverChats(
    ctx.tenantId,
    userId,
    { ...ctx, recorded: ctx.recordedChats },
    ctx.signal,
  );
  for (const chatId of found.chatIds) ctx.knownChats.add(chatId);
  await addItems(
    ctx,
    found.needMembers.map((chatId): WorkItem => ({ kind: 'members', chatId })),
  );
}

/** `members:<chat>`: the complete member list, as one snapshot; who joined and left follows from it. */
export async function runMembersItem(ctx: RunContext, chatId: string): Promise<void> {
  const members = await ctx.graph.chatMembers(chatId, { signal: ctx.signal });
  await ctx.store.recordMembers(ctx.tenantId, chatId, members.map(memberInput), nowIso(ctx));
}

/** `pinned:<chat>`: the pinned messages, with the pinned message as Graph expands it. */
export async function runPinnedItem(ctx: RunContext, chatId: string): Promise<void> {
  const pinned = await ctx.graph.pinnedMessages(chatId, { signal: ctx.signal });
  await ctx.store.putPinnedMessages(
    ctx.tenantId,
    chatId,
    pinned.map((entry) => ({
      pinnedMessageId: entry.id,
      messageId: entry.message?.id ?? entry.id,
      raw: entry as unknown as Record<string, unknown>,
    })),
    nowIso(ctx),
  );
}
