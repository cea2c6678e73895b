import type { WorkItem } from '../run/work-item-key';
import { GRAPH_CEILINGS } from './graph-ceilings';
import type { HarvestPlanInput, HarvestStrategy, PlannedChat } from './harvest-strategy';

export type Ceilings = Record<keyof typeof GRAPH_CEILINGS, number>;

/**
 * getAllMessages of a few chosen users ("readers") and per-chat listings of every chat none of them
 * is in, both at once: the two are metered separately (200 and 30 requests per second), so each
 * works through its own budget. A reader brings all of their chats, big group chats included; a
 * listed chat is read once but slowly. The plan picks readers one at a time, each time the user
 * who shortens the expected run most, and stops when no one does:
 *
 *   time = max(messages readers bring / getAllMessages ceiling,
 *              messages the busiest reader brings / one reader's ceiling,
 *              messages of listed chats / chat listing ceiling,
 *              biggest listed chat / one chat's ceiling)
 *
 * Every term is linear in the chats' weights, so the plan depends only on their ratios: message
 * counts stored by earlier runs, or any estimate proportional to them.
 */
export function planHybrid(
  input: HarvestPlanInput,
  ceilings: Ceilings = GRAPH_CEILINGS,
): { readers: string[]; listed: string[] } {
  const chatsOf = new Map<string, PlannedChat[]>();
  for (const chat of input.chats) {
    for (const reader of chat.readers) {
      let list = chatsOf.get(reader);
      if (!list) chatsOf.set(reader, (list = []));
      list.push(chat);
    }
  }
  const cost = new Map<string, number>();
  for (const [user, chats] of chatsOf)
    cost.set(
      user,
      chats.reduce((sum, chat) => sum + chat.weight, 0),
    );

  const uncovered = new Set(input.chats.map((chat) => chat.chatId));
  const byWeight = [...input.chats].sort((a, b) => b.weight - a.weight);
  let readerLoad = 0;
  let listedLoad = input.chats.reduce((sum, chat) => sum + chat.weight, 0);
  const time = (readers: number, busiest: number, listed: number, biggest: number): number =>
    Math.max(
      readers / ceilings.getAllMessages,
      busiest / ceilings.oneReader,
      listed / ceilings.chatListing,
      biggest / ceilings.oneChat,
    );
  const biggestListed = (except?: Set<string>): number => {
    for (const chat of byWeight)
      if (uncovered.has(chat.chatId) && !except?.has(chat.chatId)) return chat.weight;
    return 0;
  };

  const readers: string[] = [];
  let busiest = 0;
  let current = time(0, 0, listedLoad, biggestListed());
  for (;;) {
    let best: { user: string; time: number; gain: number } | undefined;
    for (const [user, chats] of chatsOf) {
      if (readers.includes(user)) continue;
      let gain = 0;
      const mine = new Set<string>();
      for (const chat of chats) {
        mine.add(chat.chatId);
        if (uncovered.has(chat.chatId)) gain += chat.weight;
      }
      if (gain === 0) continue;
      const t = time(
        readerLoad + cost.get(user)!,
        Math.max(busiest, cost.get(user)!),
        listedLoad - gain,
        biggestListed(mine),
      );
      if (t < current && (!best || t < best.time)) best = { user, time: t, gain };
    }
    if (!best) break;
    readers.push(best.user);
    readerLoad += cost.get(best.user)!;
    busiest = Math.max(busiest, cost.get(best.user)!);
    listedLoad -= best.gain;
    for (const chat of chatsOf.get(best.user)!) uncovered.delete(chat.chatId);
    current = best.time;
  }
  return {
    readers,
    listed: input.chats.filter((chat) => uncovered.has(chat.chatId)).map((chat) => chat.chatId),
  };
}

export const hybridStrategy: HarvestStrategy = {
  name: 'hybrid',
  complete: true,
  plan(input: HarvestPlanInput): WorkItem[] {
    const { readers, listed } = planHybrid(
      input,
      input.readerCeiling === undefined
        ? GRAPH_CEILINGS
        : { ...GRAPH_CEILINGS, oneReader: input.readerCeiling },
    );
    return [
      ...readers.map((userId): WorkItem => ({ kind: 'read', userId })),
      ...listed.map((chatId): WorkItem => ({ kind: 'list', chatId })),
    ];
  },
};
