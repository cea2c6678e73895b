import { z } from 'zod';
import { MAX_RETENTION_YEARS } from '../recovery/retention/retention-service';
import { limit, USER_STATES } from './request-schemas';
import { actorSchema, time } from './response-schemas';

/**
 * The recovery routes' requests and answers (browse, search, export, retention, erasure). Requests
 * are strict like every other route's; answers mirror the recovery services' types
 * (backend/recovery), field for field: the tests check every answer against them.
 */

// ---------------------------------------------------------------------------------------------
// Requests

const moment = (description: string) =>
  z
    .string()
    .max(64)
    .optional()
    .meta({ description: `${description} ISO 8601, e.g. 2026-03-02T08:00:00Z.` });

const cursor = z.string().min(1).max(4096).optional().meta({
  description: 'The `next` (or `older`/`newer`) of the previous page, with the same other parameters.',
});

const person = (description: string) => z.string().trim().min(1).max(320).meta({ description });

const chatId = z.string().min(1).max(400).meta({ description: 'A chat id of this tenant’s backup.' });
const messageId = z.string().min(1).max(200).meta({ description: 'A message id of that chat.' });
const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({ description: 'The image’s SHA-256 (64 lower-case hex digits), as the transcript names it.' });

const linkToken = z
  .string()
  .min(1)
  .max(4096)
  .meta({ description: 'The signed link token: the credential of this route (no Authorization header).' });

export const recoveryUsersQuery = z.strictObject({ limit: limit(1000, 100), cursor });

export const recoveryChatsQuery = z.strictObject({
  user: person('Only the chats this person (UPN or Entra object id) is or was a member of.').optional(),
  limit: limit(1000, 100),
  cursor,
});

export const chatParams = z.strictObject({ chatId });
export const messageParams = z.strictObject({ chatId, messageId });
export const imageParams = z.strictObject({ chatId, messageId, sha256 });

export const transcriptQuery = z.strictObject({
  at: moment('Show the chat as the backup saw it at this moment; the latest state when absent.'),
  start: z
    .enum(['newest', 'oldest'])
    .optional()
    .meta({ description: 'Where a first page starts (default newest).' }),
  cursor,
  around: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'A page centred on this message id (a search hit’s link).' }),
  limit: limit(200, 50),
});

export const messageQuery = z.strictObject({
  at: moment('Show the message as the backup saw it at this moment.'),
});

export const linkQuery = z.strictObject({ t: linkToken });

export const searchQuery = z.strictObject({
  text: z.string().trim().min(1).max(500).meta({
    description:
      'Words that must all occur in one state of a message; a final `*` also matches words it begins.',
  }),
  sender: person('Only messages sent by this person (UPN or Entra object id).').optional(),
  chatId: chatId.optional(),
  from: moment('Messages created at or after this moment.'),
  to: moment('Messages created before this moment.'),
  cursor,
  limit: limit(100, 25),
});

export const exportBody = z
  .strictObject({
    scope: z
      .discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('chat'), chatId }),
        z.strictObject({ kind: z.literal('user'), user: person('A UPN or Entra object id.') }),
        z.strictObject({ kind: z.literal('all') }),
      ])
      .meta({ description: 'One chat, the chats of one person, or every chat.' }),
    format: z.enum(['html', 'json']).meta({
      description:
        '`html`: transcripts any browser reads offline. `json`: the documented chatvault-chat-export format.',
    }),
    at: moment('Show the chats as the backup saw them at this moment.'),
    from: moment('Only messages created at or after this moment.'),
    to: moment('Only messages created before this moment.'),
    zip: z
      .boolean()
      .optional()
      .meta({ description: 'One chat is one file unless `zip`; more are always a zip.' }),
  })
  .meta({ id: 'ExportInput' });

const retentionKeep = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('forever') }),
    z.strictObject({ kind: z.literal('years'), years: z.int().min(1).max(MAX_RETENTION_YEARS) }),
  ])
  .meta({
    id: 'RetentionKeep',
    description: 'Keep messages forever, or for this many whole years after their creation.',
  });

export const retentionBody = z.strictObject({ keep: retentionKeep }).meta({ id: 'RetentionInput' });

export const erasureBody = z
  .strictObject({
    user: person('The person to erase: UPN or Entra object id (also of someone since deleted).'),
  })
  .meta({ id: 'ErasureInput' });

export type ExportBody = z.infer<typeof exportBody>;

// ---------------------------------------------------------------------------------------------
// Answers

const recoveryUserSchema = z
  .object({
    userId: z.string(),
    upn: z.string(),
    displayName: z.string(),
    state: z.enum(USER_STATES),
    lastBackedUpAt: time('When their messages were last backed up completely.').optional(),
  })
  .meta({ id: 'RecoveryUser' });

export const recoveryUsersPageSchema = z
  .object({ items: z.array(recoveryUserSchema), next: z.string().optional() })
  .meta({ id: 'RecoveryUsersPage' });

const memberViewSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    present: z.boolean().meta({ description: 'In the chat at the moment shown.' }),
    roles: z.array(z.string()),
  })
  .meta({ id: 'ChatMemberView' });

export const chatSummarySchema = z
  .object({
    chatId: z.string(),
    chatType: z.enum(['oneOnOne', 'group', 'meeting', 'unknownFutureValue']),
    title: z.string().meta({ description: 'The topic, or the members’ names when the chat has none.' }),
    topic: z.string().nullable(),
    createdDateTime: time(),
    webUrl: z.string().nullable(),
    firstSeenAt: time(),
    lastSeenAt: time(),
    members: z.array(memberViewSchema),
  })
  .meta({ id: 'ChatSummary' });

export const chatsPageSchema = z
  .object({ items: z.array(chatSummarySchema), next: z.string().optional() })
  .meta({ id: 'ChatsPage' });

const versionInfo = {
  versionKey: z.string(),
  capturedAt: time('When the backup captured this state.'),
  lastModifiedDateTime: time().nullable(),
  change: z.enum(['posted', 'edited', 'reactions', 'deleted', 'restored', 'other']),
};

export const transcriptMessageSchema = z
  .object({
    chatId: z.string(),
    messageId: z.string(),
    createdDateTime: time(),
    kind: z.enum(['message', 'event']),
    sender: z
      .object({
        id: z.string().optional(),
        name: z.string(),
        kind: z.enum(['user', 'bot', 'device', 'unknown']),
      })
      .nullable(),
    subject: z.string().nullable(),
    importance: z.string(),
    html: z.string().meta({
      description:
        'The body, sanitised (safe to insert as HTML). Its images point at signed image links of this API; nothing else loads.',
    }),
    event: z.string().optional().meta({ description: 'A system event in words.' }),
    replyTo: z
      .object({ messageId: z.string(), sender: z.string().optional(), preview: z.string().optional() })
      .optional(),
    mentions: z.array(z.object({ name: z.string(), userId: z.string().optional() })),
    reactions: z.array(
      z.object({
        reaction: z.string(),
        name: z.string().nullable(),
        count: z.int(),
        people: z.array(z.string()),
      }),
    ),
    attachments: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['file', 'card', 'other']),
        name: z.string(),
        contentType: z.string(),
        url: z.string().optional(),
        text: z.string().optional(),
      }),
    ),
    images: z.array(z.string()).meta({ description: 'SHA-256 of each image `html` shows.' }),
    edited: z.object({ at: time().nullable() }).optional(),
    deleted: z.object({ deletedDateTime: time().nullable(), seenDeletedAt: time().nullable() }).optional(),
    version: z.object(versionInfo),
    earlierVersions: z.array(
      z.object({
        ...versionInfo,
        html: z.string().optional(),
        images: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'TranscriptMessage' });

export const transcriptPageSchema = z
  .object({
    chat: chatSummarySchema,
    at: time('The moment shown, or null for the latest state.').nullable(),
    messages: z.array(transcriptMessageSchema).meta({ description: 'Oldest first.' }),
    older: z.string().optional().meta({ description: 'Pass as `cursor` for the messages before this page.' }),
    newer: z.string().optional().meta({ description: 'Pass as `cursor` for the messages after this page.' }),
    anchor: z.string().optional().meta({ description: 'With `around`: the message the page is centred on.' }),
  })
  .meta({ id: 'TranscriptPage' });

const searchHitSchema = z
  .object({
    chatId: z.string(),
    chatTitle: z.string(),
    messageId: z.string(),
    createdDateTime: time(),
    sender: z.object({ id: z.string().nullable(), name: z.string() }),
    snippet: z.string().meta({ description: 'Plain text around the first word found.' }),
    deleted: z.boolean(),
    onlyInEarlierVersions: z.boolean(),
    matchedVersions: z.array(z.object({ versionKey: z.string(), capturedAt: time() })),
    link: z
      .object({ chatId: z.string(), messageId: z.string() })
      .meta({ description: 'Open GET /recovery/chats/{chatId}/transcript?around={messageId}.' }),
  })
  .meta({ id: 'SearchHit' });

export const searchResultsSchema = z
  .object({ items: z.array(searchHitSchema), next: z.string().optional() })
  .meta({ id: 'SearchResults' });

export const exportLinkSchema = z
  .object({
    url: z.string().meta({
      description:
        'Relative to the server’s origin: /api/v1/recovery/downloads?t=<link token>. Good for 15 minutes.',
    }),
    fileName: z.string(),
    contentType: z.string(),
    expiresAt: time(),
  })
  .meta({ id: 'ExportLink' });

export const retentionViewSchema = z
  .object({
    keep: retentionKeep,
    updatedAt: time().optional(),
    updatedBy: actorSchema.optional(),
  })
  .meta({ id: 'RetentionPolicy' });

export const retentionRunSchema = z
  .object({
    keep: retentionKeep,
    cutoff: time('Messages created before this were removed; absent when everything is kept.').optional(),
    messages: z.int(),
    versions: z.int(),
    blobsDeleted: z.int(),
  })
  .meta({ id: 'RetentionRun' });

export const erasureReportSchema = z
  .object({
    userId: z.string(),
    messages: z.int(),
    versions: z.int(),
    blobsDeleted: z.int(),
    directory: z.boolean(),
    memberships: z.int(),
    chatListings: z.int(),
    pinned: z.int(),
    checkpoints: z.int(),
  })
  .meta({ id: 'ErasureReport' });
