import type { HostedContentRef } from '../../store/backup-records';
import {
  inlineImage,
  messageId,
  PEOPLE,
  png,
  seedChat,
  state,
  storeImage,
  TENANT,
  type RecoveryFixture,
} from './recovery-fixture';

/** The three backups of the launch chat, a day apart. */
export const CAPTURES = [
  '2026-06-01T12:00:00.000Z',
  '2026-06-02T12:00:00.000Z',
  '2026-06-03T12:00:00.000Z',
] as const;

export interface LaunchChat {
  chatId: string;
  image: HostedContentRef;
  imageBytes: Buffer;
  /** m0 … m6 */
  ids: string[];
}

export const HOSTILE_HTML =
  '<p>Hello<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">' +
  '<a href="javascript:window.__pwned = 3">click</a><img src="https://evil.example/track.png">' +
  '<img src="//evil.example/relative.png"><iframe src="https://evil.example/"></iframe>' +
  '<svg onload="window.__pwned = 4"><circle r="4"></circle></svg><style>@import url(https://evil.example/x.css)</style>' +
  '<div style="background:url(https://evil.example/bg.png)" onclick="window.__pwned = 5">styled</div>' +
  '<form action="https://evil.example/"><input name="q"><button>go</button></form>' +
  '<object data="https://evil.example/x.swf"></object><meta http-equiv="refresh" content="0;url=https://evil.example/">' +
  '<base href="https://evil.example/"><a href="https://example.org/ok">a fine link</a></p>';

/**
 * A group chat backed up three times: a plain message, one with an image, a mention and a
 * reaction added later, one edited twice, one deleted, a system event, a reply with a file, a card
 * posted after the second backup, and a hostile body.
 */
export async function seedLaunchChat(fixture: RecoveryFixture, tenantId = TENANT): Promise<LaunchChat> {
  const chatId = await seedChat(fixture, { tenantId });
  const imageBytes = png(200, 30, 90, 8);
  const image = await storeImage(fixture, tenantId, 'aW1hZ2UtMQ==', imageBytes);
  const [d1, d2, d3] = CAPTURES;
  const { ada, grace, linus } = PEOPLE;
  const reply = JSON.stringify({
    messageId: messageId(0),
    messagePreview: 'Kick-off at nine',
    messageSender: {
      application: null,
      device: null,
      user: { userIdentityType: 'aadUser', id: ada.id, displayName: 'Ada Lovelace' },
    },
  });
  const versions = [
    state({ n: 0, from: ada, text: 'Kick-off at nine', capturedAt: d1 }),
    state({
      n: 1,
      from: grace,
      html: `<p>The mock-up, <at id="0">Ada Lovelace</at></p>${inlineImage(image, 1)}`,
      mentions: [{ id: 0, person: ada }],
      hosted: [image],
      capturedAt: d1,
    }),
    state({
      n: 1,
      from: grace,
      html: `<p>The mock-up, <at id="0">Ada Lovelace</at></p>${inlineImage(image, 1)}`,
      mentions: [{ id: 0, person: ada }],
      hosted: [image],
      reactions: [{ type: 'like', by: linus }],
      modifiedMinutes: 30,
      capturedAt: d2,
    }),
    state({ n: 2, from: ada, text: 'Draft one', capturedAt: d1 }),
    state({ n: 2, from: ada, text: 'Draft two', modifiedMinutes: 5, capturedAt: d2 }),
    state({ n: 2, from: ada, text: 'Draft three', modifiedMinutes: 10, capturedAt: d3 }),
    state({ n: 3, from: linus, text: 'Secret plan', capturedAt: d1 }),
    state({ n: 3, from: linus, deleted: true, modifiedMinutes: 7, capturedAt: d2 }),
    state({
      n: 4,
      from: null,
      messageType: 'systemEventMessage',
      eventDetail: {
        '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail',
        visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
        members: [{ id: linus.id, displayName: null, userIdentityType: 'aadUser' }],
        initiator: {
          application: null,
          device: null,
          user: { id: ada.id, displayName: null, userIdentityType: 'aadUser' },
        },
      },
      capturedAt: d1,
    }),
    state({
      n: 5,
      from: grace,
      html: '<attachment id="r1"></attachment><p>Agreed, plan attached <attachment id="f1"></attachment></p>',
      attachments: [
        {
          id: 'r1',
          contentType: 'messageReference',
          contentUrl: null,
          content: reply,
          name: null,
          thumbnailUrl: null,
        },
        {
          id: 'f1',
          contentType: 'reference',
          contentUrl: 'https://contoso.sharepoint.com/personal/grace/Documents/plan.docx',
          content: null,
          name: 'plan.docx',
          thumbnailUrl: null,
        },
      ],
      capturedAt: d1,
    }),
    state({
      n: 6,
      from: grace,
      html: '<attachment id="c1"></attachment>',
      attachments: [
        {
          id: 'c1',
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: JSON.stringify({
            type: 'AdaptiveCard',
            body: [{ type: 'TextBlock', text: 'Release checklist' }],
          }),
          name: null,
          thumbnailUrl: null,
        },
      ],
      capturedAt: d3,
    }),
    state({ n: 7, from: linus, html: HOSTILE_HTML, capturedAt: d1 }),
  ];
  await fixture.backup.putMessageVersions(tenantId, versions);
  return { chatId, image, imageBytes, ids: Array.from({ length: 8 }, (_, n) => messageId(n)) };
}
