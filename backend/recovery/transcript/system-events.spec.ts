import assert from 'node:assert/strict';
import type { NamedIdentity } from './people';
import { durationText, systemEventText } from './system-events';

const names: Record<string, string> = { u1: 'Ada Lovelace', u2: 'Grace Hopper' };
const nameOf = (identity: NamedIdentity | null | undefined, fallback = 'Someone') =>
  identity?.displayName || (identity ? names[identity.id] : undefined) || fallback;
const user = (id: string) => ({
  application: null,
  device: null,
  user: { id, displayName: null, userIdentityType: 'aadUser' },
});

describe('systemEventText', () => {
  it('says what happened, naming people Graph left unnamed', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail',
          visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
          members: [{ id: 'u2', displayName: null, userIdentityType: 'aadUser' }],
          initiator: user('u1'),
        },
        'Ada Lovelace added Grace Hopper to the chat and shared all chat history.',
      ],
      [
        {
          '@odata.type': '#microsoft.graph.membersLeftEventMessageDetail',
          members: [
            { id: 'u1', displayName: null },
            { id: 'u2', displayName: null },
            { id: 'u3', displayName: 'Linus' },
          ],
        },
        'Ada Lovelace, Grace Hopper and Linus left the chat.',
      ],
      [
        {
          '@odata.type': '#microsoft.graph.chatRenamedEventMessageDetail',
          chatDisplayName: 'Q3',
          initiator: user('u2'),
        },
        'Grace Hopper renamed the chat to “Q3”.',
      ],
      [
        {
          '@odata.type': '#microsoft.graph.callEndedEventMessageDetail',
          callDuration: 'PT40M19.26S',
          callEventType: 'meeting',
          callParticipants: [{ participant: user('u1') }, { participant: user('u2') }],
          initiator: user('u1'),
        },
        'Meeting ended after 40 min 19 s (2 participants).',
      ],
      [
        {
          '@odata.type': '#microsoft.graph.teamsAppInstalledEventMessageDetail',
          teamsAppDisplayName: 'Polly',
          initiator: user('u1'),
        },
        'Ada Lovelace added the app “Polly”.',
      ],
      [{ '@odata.type': '#microsoft.graph.somethingNewEventMessageDetail' }, 'System event: somethingNew.'],
    ];
    for (const [detail, text] of cases) assert.equal(systemEventText(detail, nameOf), text);
  });

  it('reads ISO 8601 durations', () => {
    assert.equal(durationText('PT59S'), '59 s');
    assert.equal(durationText('PT1H2M'), '1 h 2 min');
    assert.equal(durationText('soon'), undefined);
  });
});
