import type { WorkItem } from '../run/work-item-key';
import type { HarvestPlanInput, HarvestStrategy } from './harvest-strategy';

/**
 * Every user's getAllMessages filtered on `from/user/id eq '<user>'`: each message sent by a backed-up
 * user comes back once, from its sender's listing. Not complete: Graph has no filter that selects
 * the rest (system events, messages from bots, devices, guests and federated users, from senders
 * who left the chat or the tenant, and messages with no sender at all), so whatever a run of it
 * misses is only found by reading the chats unfiltered. Kept to measure what splitting would gain.
 */
export const senderSplitStrategy: HarvestStrategy = {
  name: 'sender-split',
  complete: false,
  plan(input: HarvestPlanInput): WorkItem[] {
    return [
      ...input.users.map((userId): WorkItem => ({ kind: 'sender', userId })),
      ...input.chats
        .filter((chat) => chat.readers.length === 0)
        .map((chat): WorkItem => ({ kind: 'list', chatId: chat.chatId })),
    ];
  },
};
