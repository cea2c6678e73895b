import assert from 'node:assert/strict';
import type { HarvestPlanInput } from './harvest-strategy';
import { harvestStrategy } from './harvest-strategies';
import { planHybrid } from './hybrid-strategy';

describe('harvest strategies', () => {
  // A big all-hands chat everybody is in, and 1:1 chats between pairs.
  const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
  const input: HarvestPlanInput = {
    users,
    chats: [
      { chatId: 'all-hands', readers: users, weight: 6000 },
      { chatId: 'u1-u2', readers: ['u1', 'u2'], weight: 100 },
      { chatId: 'u3-u4', readers: ['u3', 'u4'], weight: 100 },
      { chatId: 'u5-u6', readers: ['u5', 'u6'], weight: 100 },
      { chatId: 'orphan', readers: [], weight: 10 },
    ],
  };

  it('hybrid: reads the big chat through one reader and lists what is faster on its own', () => {
    const plan = planHybrid(input);
    assert.deepEqual(plan.readers.length, 1, 'one getAllMessages brings the big chat');
    // Every chat is read, either through a reader or listed; none twice through two readers.
    const covered = new Set(plan.listed);
    for (const chat of input.chats)
      if (chat.readers.some((r) => plan.readers.includes(r))) covered.add(chat.chatId);
    assert.deepEqual(covered, new Set(input.chats.map((c) => c.chatId)));
    assert.ok(plan.listed.includes('orphan'));
  });

  it('hybrid: the plan depends only on the ratios of the weights', () => {
    const scaled = { ...input, chats: input.chats.map((c) => ({ ...c, weight: c.weight * 37 })) };
    assert.deepEqual(planHybrid(scaled), planHybrid(input));
  });

  it('hybrid: with no big chat, listing each chat beats any reader', () => {
    const small = { users, chats: input.chats.filter((c) => c.chatId !== 'all-hands') };
    const plan = planHybrid(small);
    assert.deepEqual(plan.readers, []);
    assert.equal(plan.listed.length, small.chats.length);
  });

  it('per-user reads every user and lists only chats no user is in; per-chat lists every chat', () => {
    assert.deepEqual(harvestStrategy('per-user').plan(input), [
      ...users.map((userId) => ({ kind: 'read', userId })),
      { kind: 'list', chatId: 'orphan' },
    ]);
    assert.equal(harvestStrategy('per-chat').plan(input).length, input.chats.length);
    assert.equal(harvestStrategy('sender-split').complete, false);
  });
});
