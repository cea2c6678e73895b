import type { WorkItem } from '../run/work-item-key';
import type { HarvestPlanInput, HarvestStrategy } from './harvest-strategy';

/**
 * Every chat listed on its own (`/chats/{id}/messages`): each message is read exactly once, within
 * the 30 requests per second of other Teams reads and 1 per second on any one chat.
 */
export const perChatStrategy: HarvestStrategy = {
  name: 'per-chat',
  complete: true,
  plan(input: HarvestPlanInput): WorkItem[] {
    return input.chats.map((chat): WorkItem => ({ kind: 'list', chatId: chat.chatId }));
  },
};
