import assert from 'node:assert/strict';
import { ADA, BotHarness, TENANT_A, cardOf, cardText, findAction } from './testing/bot-harness';

describe('LiveStatusCards', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let cardId: string;

  beforeEach(async () => {
    h = new BotHarness({ liveIntervalMs: 5000 });
    await h.connect(ADA);
    await h.makeAdmin(ADA);
    const sent = await h.say(ADA, 'backup now');
    cardId = sent.find((a) => a.attachments?.length)!.id!;
  });
  afterEach(() => h.close());

  const shown = () => cardOf(h.queue().find((a) => a.id === cardId));
  const updates = () => h.adapter.continued.length;

  it('edits the status card in place as the run goes on, at most once per interval', async () => {
    assert.equal(h.live.followedCount(TENANT_A), 1);
    h.backup.progress(TENANT_A, 10, { users: 5 });
    h.backup.progress(TENANT_A, 20, { chats: 7 });
    await h.live.settled();
    assert.equal(updates(), 0, 'the card was just sent: the first edit waits for the interval');

    h.clock.advance(4999);
    await h.live.settled();
    assert.equal(updates(), 0);
    h.clock.advance(1);
    await h.live.settled();
    assert.equal(updates(), 1, 'one edit for both events');
    assert.match(cardText(shown()), /20% done/);
    assert.match(cardText(shown()), /Users\n5[\s\S]*Chats\n7/);

    for (const percent of [30, 40, 50]) h.backup.progress(TENANT_A, percent);
    h.clock.advance(5000);
    await h.live.settled();
    assert.equal(updates(), 2);
    assert.match(cardText(shown()), /50% done/);
    const reference = h.adapter.continued[0]!;
    assert.equal(reference.conversation?.id, `a:1personal-${ADA.userId}`);
  });

  it('shows the end of the run, then lets the card go', async () => {
    h.clock.advance(60_000);
    h.backup.finish(TENANT_A, 'succeeded');
    await h.live.settled();
    assert.equal(updates(), 1, 'the interval had passed: the end is shown at once');
    const text = cardText(shown());
    assert.match(text, /Last backup: Succeeded/);
    assert.doesNotMatch(text, /Backup under way/);
    assert.equal(findAction(shown(), 'backup.cancel'), undefined);
    assert.ok(findAction(shown(), 'backup.start'));
    assert.equal(h.live.followedCount(), 0);

    await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
    h.backup.progress(TENANT_A, 10);
    h.clock.advance(60_000);
    await h.live.settled();
    assert.equal(updates(), 1, 'a card let go is not edited again');
  });

  it("follows a card replaced by a button press, through the invoke's replyToId", async () => {
    await h.close();
    h = new BotHarness();
    await h.connect(ADA);
    await h.makeAdmin(ADA);
    const sent = await h.say(ADA, 'status');
    const status = cardOf(sent[0]);
    assert.equal(h.live.followedCount(), 0, 'no run: nothing to follow');
    await h.press(ADA, status, 'backup.start', {}, undefined, sent[0]!.id);
    assert.equal(h.live.followedCount(TENANT_A), 1);
    h.clock.advance(5000);
    h.backup.progress(TENANT_A, 60);
    await h.live.settled();
    assert.match(cardText(cardOf(h.queue().find((a) => a.id === sent[0]!.id))), /60% done/);
  });

  it('lets go of a card whose conversation is gone, and keeps one after a passing failure', async () => {
    h.clock.advance(5000);
    h.adapter.failNext = Object.assign(new Error('Bad Gateway'), { statusCode: 502 });
    h.backup.progress(TENANT_A, 10);
    await h.live.settled();
    assert.equal(h.live.followedCount(), 1);
    h.clock.advance(5000);
    h.adapter.failNext = Object.assign(new Error('Not Found'), { statusCode: 404 });
    h.backup.progress(TENANT_A, 20);
    await h.live.settled();
    assert.equal(h.live.followedCount(), 0);
  });

  it('stops listening on stop', async () => {
    assert.equal(h.backup.listenerCount(), 1);
    await h.live.stop();
    assert.equal(h.backup.listenerCount(), 0);
    assert.equal(h.live.followedCount(), 0);
  });
});
