import assert from 'node:assert/strict';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { channelNames, targetFromActivity } from './conversation-target';

const TENANT = '6b0f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const TEAM_ID = '19:team-ops@thread.tacv2';
const ALERTS_ID = '19:alerts@thread.tacv2';

/** A channel post as Teams sends it: ids of the team and channel, no names. */
function channelPost(channelId: string, names: { team?: string; channel?: string } = {}): Activity {
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/_connector',
    conversation: {
      id: `${channelId};messageid=1714557600000`,
      isGroup: true,
      conversationType: 'channel',
      tenantId: TENANT,
      name: '',
    },
    from: { id: '29:ada', name: 'Ada', aadObjectId: '1a2b3c4d-0000-4000-8000-000000000001' },
    recipient: { id: '28:bot', name: 'ChatVault' },
    channelData: {
      tenant: { id: TENANT },
      team: { id: TEAM_ID, ...(names.team ? { name: names.team } : {}) },
      channel: { id: channelId, ...(names.channel ? { name: names.channel } : {}) },
    },
  } as Activity;
}

describe('conversation target labels', () => {
  it("names a channel by the names looked up, since Teams sends a channel's posts with ids only", () => {
    const target = targetFromActivity(channelPost(ALERTS_ID), TENANT, { team: 'Ops', channel: 'Alerts' });
    assert.equal(target.label, 'Ops > Alerts');
    assert.equal((target.conversation as { conversation: { id: string } }).conversation.id, ALERTS_ID);
  });

  it('calls a channel General only when it is (its id is the team id), and says less when names are unknown', () => {
    assert.equal(targetFromActivity(channelPost(TEAM_ID), TENANT).label, 'the General channel');
    assert.equal(targetFromActivity(channelPost(TEAM_ID), TENANT, { team: 'Ops' }).label, 'Ops > General');
    assert.equal(targetFromActivity(channelPost(ALERTS_ID), TENANT).label, 'a team channel');
    assert.equal(
      targetFromActivity(channelPost(ALERTS_ID), TENANT, { team: 'Ops' }).label,
      'a channel of Ops',
    );
  });

  it('keeps names the activity carries, and a failed look-up changes nothing else', async () => {
    const named = new TurnContext(
      new TestAdapter(),
      channelPost(ALERTS_ID, { team: 'Ops', channel: 'Alerts' }),
    );
    assert.deepEqual(await channelNames(named), { team: 'Ops', channel: 'Alerts' });
    // TestAdapter has no Bot Connector to ask: the look-up fails, and the label falls back.
    const unnamed = new TurnContext(new TestAdapter(), channelPost(ALERTS_ID));
    assert.deepEqual(await channelNames(unnamed), {});
  });
});
