import type { WorkItem } from '../run/work-item-key';
import type { HarvestPlanInput, HarvestStrategy } from './harvest-strategy';

/**
 * Every user's getAllMessages, unfiltered. A group chat's message comes back once per member; the
 * store recognises the repeats by chat id, message id and etag and writes each state once, but
 * every repeat costs its share of a request. Chats no backed-up user is in are listed on their own.
 */
export const perUserStrategy: HarvestStrategy = {
  name: 'per-user',
  complete: true,
  plan(input: HarvestPlanInput): WorkItem[] {
    return [
      ...input.users.map((userId): WorkItem => ({ kind: 'read', userId })),
      ...input.chats
        .filter((chat) => chat.readers.length === 0)
        .map((chat): WorkItem => ({ kind: 'list', chatId: chat.chatId })),
    ];
  },
};
