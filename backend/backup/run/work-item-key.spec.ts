import assert from 'node:assert/strict';
import { parseWorkItemKey, workItemKey, type WorkItem } from './work-item-key';

describe('work item keys', () => {
  it('round-trip chat ids that hold colons and user ids alike', () => {
    const items: WorkItem[] = [
      { kind: 'list', chatId: '19:meeting_MjA5ZTk@thread.v2' },
      { kind: 'members', chatId: '19:a_b@unq.gbl.spaces' },
      { kind: 'read', userId: '7a5d3c2e-1111-4222-8333-944455556666' },
      { kind: 'chats', userId: 'u' },
      { kind: 'pinned', chatId: '19:x@thread.v2' },
      { kind: 'sender', userId: 'u' },
    ];
    for (const item of items) assert.deepEqual(parseWorkItemKey(workItemKey(item)), item);
  });

  it('refuses keys that name no work', () => {
    for (const key of ['', 'read', 'read:', 'fly:away', ':x']) assert.throws(() => parseWorkItemKey(key));
  });
});
