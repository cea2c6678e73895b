import { z } from 'zod';

/** Request bodies and queries of the control API. Unknown keys are refused, so typos do not pass silently. */

const id = z.string().trim().min(1).max(200);

export const newTenantBody = z.strictObject({
  domain: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'a DNS domain such as contoso.onmicrosoft.com'),
  displayName: z.string().trim().min(1).max(256),
  id: z.uuid().optional(),
  /** When present, the tenant is generated from this seed (see simulator/seed). */
  seed: z
    .strictObject({
      seed: z.string().min(1).max(200),
      users: z.number().int().min(2).max(100_000).optional(),
      chats: z.number().int().min(1).max(1_000_000).optional(),
      messages: z.number().int().min(0).max(5_000_000).optional(),
      spanDays: z.number().positive().max(3650).optional(),
      endMs: z.number().int().positive().optional(),
    })
    .optional(),
});

export const newUserBody = z.strictObject({
  id: z.uuid().optional(),
  displayName: z.string().trim().min(1).max(256),
  userPrincipalName: z.email().optional(),
  givenName: z.string().max(64).nullable().optional(),
  surname: z.string().max(64).nullable().optional(),
  mail: z.email().nullable().optional(),
  jobTitle: z.string().max(128).nullable().optional(),
  teamsLicensed: z.boolean().optional(),
  accountEnabled: z.boolean().optional(),
  userType: z.enum(['Member', 'Guest']).optional(),
  homeTenantId: z.uuid().optional(),
});

export const userChangeBody = z
  .strictObject({ accountEnabled: z.boolean().optional(), teamsLicensed: z.boolean().optional() })
  .refine(
    (b) => b.accountEnabled !== undefined || b.teamsLicensed !== undefined,
    'give accountEnabled or teamsLicensed',
  );

/** A group's member: a directory user, or a group nested in it. */
export const groupMemberBody = z.union([z.strictObject({ userId: id }), z.strictObject({ groupId: id })]);

export const newGroupBody = z.strictObject({
  id: z.uuid().optional(),
  displayName: z.string().trim().min(1).max(256),
  description: z.string().max(1024).nullable().optional(),
  members: z.array(groupMemberBody).max(1000).optional(),
});

const external = z.strictObject({
  id,
  displayName: z.string().trim().min(1).max(256),
  tenantId: z.uuid(),
  email: z.email().nullable().optional(),
});

const participant = z.union([z.strictObject({ userId: id }), z.strictObject({ external })]);

export const newChatBody = z.strictObject({
  chatType: z.enum(['oneOnOne', 'group', 'meeting']),
  topic: z.string().trim().min(1).max(256).nullable().optional(),
  members: z.array(participant).min(1).max(250),
  createdBy: id.optional(),
});

export const renameChatBody = z.strictObject({ topic: z.string().trim().min(1).max(256), by: id.optional() });

export const addMemberBody = z
  .strictObject({
    userId: id.optional(),
    external: external.optional(),
    by: id.optional(),
    shareHistory: z.boolean().optional(),
  })
  .refine(
    (b) => (b.userId === undefined) !== (b.external === undefined),
    'give exactly one of userId and external',
  );

export const byQuery = z.object({ by: id.optional() });

const itemBody = z.strictObject({
  contentType: z.enum(['text', 'html']),
  content: z.string().max(1_000_000),
});

const mention = z.strictObject({
  id: z.number().int().min(0),
  userId: id,
  mentionText: z.string().min(1).optional(),
});

const sender = z.union([
  z.null(),
  z.strictObject({ userId: id }),
  z.strictObject({ application: z.strictObject({ id, displayName: z.string().trim().min(1).max(256) }) }),
]);

const attachment = z.strictObject({
  id: id.optional(),
  contentType: z.string().min(1).max(200),
  contentUrl: z.url().nullable().optional(),
  content: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .nullable()
    .optional(),
  name: z.string().max(256).nullable().optional(),
  thumbnailUrl: z.url().nullable().optional(),
});

/** As Graph's send API takes them; `temporaryId` is accepted as a shorter spelling. */
const hostedContent = z
  .strictObject({
    '@microsoft.graph.temporaryId': id.optional(),
    temporaryId: id.optional(),
    contentType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/i, 'a media type such as image/png'),
    contentBytes: z.base64().min(1),
  })
  .refine((h) => (h.temporaryId ?? h['@microsoft.graph.temporaryId']) !== undefined, 'give a temporaryId');

export const postMessageBody = z.strictObject({
  from: sender,
  body: itemBody,
  mentions: z.array(mention).max(100).optional(),
  attachments: z.array(attachment).max(20).optional(),
  hostedContents: z.array(hostedContent).max(20).optional(),
  importance: z.enum(['normal', 'high', 'urgent']).optional(),
  subject: z.string().max(256).nullable().optional(),
});

export const editMessageBody = z.strictObject({
  body: itemBody,
  mentions: z.array(mention).max(100).optional(),
});

export const reactionBody = z.strictObject({ userId: id, reactionType: z.string().min(1).max(64) });

export const reactionQuery = z.object({ userId: id, reactionType: z.string().min(1).max(64) });

export const pinBody = z.strictObject({
  messageId: z.string().regex(/^\d+$/, 'a message id (digits)'),
  by: id.optional(),
});

/** System events other than the ones membership, rename and pin routes write. */
export const eventBody = z.strictObject({
  by: id.optional(),
  event: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('callStarted') }),
    z.strictObject({
      kind: z.literal('callEnded'),
      durationSeconds: z.number().int().min(0).max(86_400).optional(),
    }),
    z.strictObject({
      kind: z.literal('callRecording'),
      durationSeconds: z.number().int().min(0).max(86_400).optional(),
    }),
    z.strictObject({ kind: z.literal('callTranscript') }),
    z.strictObject({ kind: z.literal('meetingPolicyUpdated'), meetingChatEnabled: z.boolean() }),
    z.strictObject({
      kind: z.enum(['teamsAppInstalled', 'teamsAppUpgraded', 'teamsAppRemoved']),
      teamsAppId: z.uuid(),
      teamsAppDisplayName: z.string().min(1).max(256),
    }),
    z.strictObject({ kind: z.literal('tabUpdated'), tabId: z.string().min(1).max(200).optional() }),
  ]),
});
