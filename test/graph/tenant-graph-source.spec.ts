import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GraphReadError, type GraphChatMessage } from '../../backend/graph/tenant-graph-source';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { ManualClock } from '../../simulator/state/clock';
import type { TruthHostedContent } from '../../simulator/state/ground-truth';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  itemsOf,
  messageKey,
  pagesOf,
  readableTruth,
  rejectionOf,
  sourceFor,
  teamsUserIds,
} from './graph-source-helpers';

/**
 * The tenant graph source against the simulator with Microsoft's documented limits on: what it
 * reads must be exactly what the tenant holds, page by page, and its failures must carry the
 * reasons the engine branches on.
 */
describe('tenant graph source: reading a tenant', function () {
  this.timeout(60_000);

  let sim: SimulatorHandle;
  let tenantId: string;

  before(async () => {
    sim = await startTestSimulator({
      // Several pages per chat and per user, so that paging is exercised, not just one page each.
      tenants: defaultSimulatorTenants({
        contoso: { ...SMALL_TENANT, users: 10, chats: 16, messages: 900 },
        fabrikam: SMALL_TENANT,
      }),
      clock: new ManualClock(Date.UTC(2026, 5, 1)),
    });
    tenantId = sim.demoApp('ok').tenantId;
  });
  after(() => sim.close());
  beforeEach(() => sim.resetCounters());

  it('reads every user, chat and message the tenant holds, each exactly once, and counts every request', async () => {
    const source = sourceFor(sim, 'ok');
    const stats = sim.state.stats(tenantId);

    const users = await itemsOf(source.users());
    assert.equal(users.length, stats.users);
    assert.ok(users.every((u) => typeof u.id === 'string' && typeof u.userPrincipalName === 'string'));

    const licensed = teamsUserIds(sim, tenantId);
    const chatLists = await Promise.all(licensed.map((userId) => itemsOf(source.userChats(userId))));
    const chatIds = [...new Set(chatLists.flat().map((chat) => chat.id))].sort();
    assert.equal(chatIds.length, stats.chats.total);
    assert.ok(
      chatLists.flat().every((chat) => Array.isArray(chat.members)),
      'members were not expanded',
    );

    const truth = readableTruth(sim, tenantId);
    const truthKeys = truth.map(messageKey).sort();

    const chatPages = await Promise.all(chatIds.map((chatId) => pagesOf(source.chatMessages(chatId, {}))));
    const pageCount = chatPages.reduce((sum, pages) => sum + pages.length, 0);
    assert.ok(pageCount > chatIds.length, 'no chat needed more than one page: paging was not exercised');
    assert.ok(chatPages.flat().every((page) => page.length <= 50));
    for (const pages of chatPages) assertNewestModifiedFirst(pages.flat());
    const perChat = chatPages.flat(2);
    assert.deepEqual(perChat.map(messageKey).sort(), truthKeys);

    // getAllMessages answers a group chat's messages once per member asked: the union is the tenant.
    const perUser = (
      await Promise.all(licensed.map((userId) => itemsOf(source.allMessages(userId, {}))))
    ).flat();
    assert.ok(
      perUser.length > truthKeys.length,
      'no group chat message came twice: the fixture has no group chats?',
    );
    assert.deepEqual([...new Set(perUser.map(messageKey))].sort(), truthKeys);

    // `Prefer: include-unknown-enum-members` went along: system messages carry their real type.
    const systemInTruth = truth.filter((m) => m.messageType === 'systemEventMessage').length;
    assert.ok(systemInTruth > 0);
    assert.equal(perChat.filter((m) => m.messageType === 'systemEventMessage').length, systemInTruth);
    assert.equal(perChat.filter((m) => m.messageType === 'unknownFutureValue').length, 0);

    const counts = source.counts();
    const served = sim.counters().graph;
    assert.equal(counts.requests, served.total);
    for (const cls of ['getAllMessages', 'teamsGet', 'directory'] as const) {
      assert.equal(counts.byClass[cls].requests, served.requests[cls], cls);
    }
  });

  it('reads only the messages modified inside a window, both ends excluded', async () => {
    const source = sourceFor(sim, 'ok');
    const truth = readableTruth(sim, tenantId);
    const times = truth.map((m) => m.lastModifiedMs).sort((a, b) => a - b);
    // Ends on real modification times: the messages modified exactly then must be left out.
    const after = times[Math.floor(times.length * 0.3)]!;
    const before = times[Math.floor(times.length * 0.7)]!;
    const window = { after: new Date(after).toISOString(), before: new Date(before).toISOString() };
    const expected = truth
      .filter((m) => m.lastModifiedMs > after && m.lastModifiedMs < before)
      .map(messageKey)
      .sort();
    assert.ok(expected.length > 0 && expected.length < truth.length);

    const chatIds = [...new Set(truth.map((m) => m.chatId))];
    const perChat = (
      await Promise.all(chatIds.map((chatId) => itemsOf(source.chatMessages(chatId, window))))
    ).flat();
    assert.deepEqual(perChat.map(messageKey).sort(), expected);

    const licensed = teamsUserIds(sim, tenantId);
    const perUser = (
      await Promise.all(licensed.map((userId) => itemsOf(source.allMessages(userId, window))))
    ).flat();
    assert.deepEqual([...new Set(perUser.map(messageKey))].sort(), expected);
  });

  it('reads members, pinned messages and the exact bytes of hosted contents', async () => {
    const source = sourceFor(sim, 'ok');
    const stats = sim.state.stats(tenantId);
    const truth = readableTruth(sim, tenantId);
    const chatIds = [...new Set(truth.map((m) => m.chatId))];

    const members = await Promise.all(chatIds.map((chatId) => source.chatMembers(chatId)));
    assert.equal(members.flat().length, stats.members);

    const pins = (await Promise.all(chatIds.map((chatId) => source.pinnedMessages(chatId)))).flat();
    assert.equal(pins.length, stats.pinned);
    assert.ok(pins.every((pin) => pin.message !== null && typeof pin.message.id === 'string'));

    // One hosted content per chat, read in parallel: each chat allows one request per second.
    const perChat = new Map<string, { chatId: string; messageId: string; hosted: TruthHostedContent }>();
    for (const message of truth) {
      const hosted = message.hostedContents[0];
      if (hosted && !perChat.has(message.chatId))
        perChat.set(message.chatId, { chatId: message.chatId, messageId: message.id, hosted });
    }
    assert.ok(perChat.size > 0);
    await Promise.all(
      [...perChat.values()].map(async ({ chatId, messageId, hosted }) => {
        const content = await source.hostedContent(chatId, messageId, hosted.id);
        assert.equal(createHash('sha256').update(content.bytes).digest('hex'), hosted.sha256);
        assert.equal(content.contentType, hosted.contentType);
      }),
    );
  });

  it("maps a message read by an app with Chat.ReadBasic.All only to 'forbidden', its chat list still readable", async () => {
    const source = sourceFor(sim, 'basic_only');
    const userId = teamsUserIds(sim, tenantId)[0]!;
    assert.ok((await itemsOf(source.userChats(userId))).length > 0);
    const error = await rejectionOf(itemsOf(source.allMessages(userId, {})));
    assert.ok(error instanceof GraphReadError);
    assert.equal(error.reason, 'forbidden');
    assert.equal(error.status, 403);
    assert.equal(error.graphCode, 'Forbidden');
  });

  it("maps a deleted user to 'not_found', and an unknown chat too", async () => {
    const source = sourceFor(sim, 'ok');
    const userId = teamsUserIds(sim, 'fabrikam.onmicrosoft.com')[0]!;
    // The user is another tenant's, so deleting them changes nothing the other tests read.
    const fabrikam = sourceFor(sim, 'ok', {}, 'fabrikam.onmicrosoft.com');
    assert.ok((await itemsOf(fabrikam.userChats(userId))).length > 0);
    sim.state.deleteUser('fabrikam.onmicrosoft.com', userId);
    for (const read of [itemsOf(fabrikam.userChats(userId)), itemsOf(fabrikam.allMessages(userId, {}))]) {
      const error = await rejectionOf(read);
      assert.ok(error instanceof GraphReadError);
      assert.equal(error.reason, 'not_found');
      assert.equal(error.status, 404);
    }
    const unknownChat = await rejectionOf(itemsOf(source.chatMessages('19:no-such-chat@thread.v2', {})));
    assert.ok(unknownChat instanceof GraphReadError);
    assert.equal(unknownChat.reason, 'not_found');
  });

  it("maps a refused secret to 'unauthorized', without sending anything to Graph", async () => {
    const source = sourceFor(sim, 'wrong_secret');
    const error = await rejectionOf(itemsOf(source.users()));
    assert.ok(error instanceof GraphReadError);
    assert.equal(error.reason, 'unauthorized');
    assert.equal(sim.counters().graph.total, 0);
    assert.equal(sim.counters().tokens.refused[7000215], 1);
  });

  it("refuses a window end that is not a date and time, as 'bad_request', before sending anything", async () => {
    const source = sourceFor(sim, 'ok');
    const userId = teamsUserIds(sim, tenantId)[0]!;
    const error = await rejectionOf(itemsOf(source.allMessages(userId, { after: '2026-01-01' })));
    assert.ok(error instanceof GraphReadError);
    assert.equal(error.reason, 'bad_request');
    assert.equal(source.counts().requests, 0);
  });
});

function assertNewestModifiedFirst(messages: GraphChatMessage[]): void {
  for (let i = 1; i < messages.length; i++) {
    assert.ok(
      Date.parse(messages[i - 1]!.lastModifiedDateTime!) >= Date.parse(messages[i]!.lastModifiedDateTime!),
      `message ${i} of chat ${messages[i]!.chatId} is out of order`,
    );
  }
}
