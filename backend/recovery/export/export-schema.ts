/**
 * The JSON export format, version 1 (docs/recovery.md, "JSON export"). One document per chat,
 * self-contained: the chat, its members, every message with every version the backup kept (the
 * Graph `chatMessage` exactly as received), and the bytes of every hosted content those versions
 * reference, once each, in base64. A version of the format changes only by adding optional fields;
 * anything else is a new `version`.
 */
export const CHAT_EXPORT_FORMAT = 'chatvault-chat-export';
export const CHAT_EXPORT_VERSION = 1;
export const MANIFEST_FORMAT = 'chatvault-export-manifest';

export interface ChatExportDocument {
  format: typeof CHAT_EXPORT_FORMAT;
  version: typeof CHAT_EXPORT_VERSION;
  exportedAt: string;
  tenantId: string;
  /** The moment the export shows (versions captured by then), or null for everything kept. */
  pointInTime: string | null;
  /** Only messages created in [createdFrom, createdBefore), when set. */
  createdFrom: string | null;
  createdBefore: string | null;
  chat: ExportedChat;
  members: ExportedMember[];
  /** In creation (id) order. */
  messages: ExportedMessage[];
  hostedContents: ExportedHostedContent[];
  counts: { messages: number; versions: number; hostedContents: number };
}

export interface ExportedChat {
  chatId: string;
  chatType: string;
  /** As of the point in time. */
  topic: string | null;
  topicHistory: { topic: string | null; seenAt: string }[];
  createdDateTime: string;
  lastUpdatedDateTime: string;
  webUrl: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The Graph `chat` of the latest listing, exactly as received. */
  graph: Record<string, unknown>;
}

export interface ExportedMember {
  userId: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  memberTenantId: string | null;
  visibleHistoryStartDateTime: string | null;
  present: boolean;
  firstSeenAt: string;
  periods: { joinedSeenAt: string; leftSeenAt: string | null }[];
}

export interface ExportedMessage {
  messageId: string;
  createdDateTime: string;
  fromUserId: string | null;
  messageType: string;
  /** The version in effect (the latest, by Graph's lastModifiedDateTime then capture). */
  latestVersionKey: string;
  deleted: boolean;
  deletedDateTime: string | null;
  /** When a backup first saw the deletion. */
  firstSeenDeletedAt: string | null;
  /** Oldest state first. */
  versions: ExportedVersion[];
}

export interface ExportedVersion {
  versionKey: string;
  etag: string | null;
  lastModifiedDateTime: string | null;
  deletedDateTime: string | null;
  capturedAt: string;
  runId: string;
  hostedContents: { id: string; sha256: string; contentType: string; size: number }[];
  /** The Graph `chatMessage` exactly as received. */
  message: Record<string, unknown>;
}

export interface ExportedHostedContent {
  sha256: string;
  contentType: string;
  size: number;
  base64: string;
}

const isoTime = { type: 'string', minLength: 1 } as const;
const nullableString = { type: ['string', 'null'] } as const;
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** JSON Schema (draft 2020-12) of a version 1 chat export: what the tests validate exports against. */
export const CHAT_EXPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ChatVault chat export, version 1',
  type: 'object',
  required: [
    'format',
    'version',
    'exportedAt',
    'tenantId',
    'pointInTime',
    'createdFrom',
    'createdBefore',
    'chat',
    'members',
    'messages',
    'hostedContents',
    'counts',
  ],
  properties: {
    format: { const: CHAT_EXPORT_FORMAT },
    version: { const: CHAT_EXPORT_VERSION },
    exportedAt: isoTime,
    tenantId: { type: 'string' },
    pointInTime: nullableString,
    createdFrom: nullableString,
    createdBefore: nullableString,
    chat: {
      type: 'object',
      required: ['chatId', 'chatType', 'topic', 'topicHistory', 'createdDateTime', 'graph'],
      properties: {
        chatId: { type: 'string' },
        chatType: { type: 'string' },
        topic: nullableString,
        topicHistory: {
          type: 'array',
          items: {
            type: 'object',
            required: ['topic', 'seenAt'],
            properties: { topic: nullableString, seenAt: isoTime },
          },
        },
        createdDateTime: { type: 'string' },
        webUrl: nullableString,
        graph: { type: 'object' },
      },
    },
    members: {
      type: 'array',
      items: {
        type: 'object',
        required: ['userId', 'displayName', 'present', 'periods'],
        properties: {
          userId: { type: 'string' },
          displayName: nullableString,
          email: nullableString,
          present: { type: 'boolean' },
          periods: {
            type: 'array',
            items: {
              type: 'object',
              required: ['joinedSeenAt', 'leftSeenAt'],
              properties: { joinedSeenAt: isoTime, leftSeenAt: nullableString },
            },
          },
        },
      },
    },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'messageId',
          'createdDateTime',
          'fromUserId',
          'messageType',
          'latestVersionKey',
          'deleted',
          'deletedDateTime',
          'firstSeenDeletedAt',
          'versions',
        ],
        properties: {
          messageId: { type: 'string' },
          createdDateTime: { type: 'string' },
          fromUserId: nullableString,
          messageType: { type: 'string' },
          latestVersionKey: { type: 'string' },
          deleted: { type: 'boolean' },
          deletedDateTime: nullableString,
          firstSeenDeletedAt: nullableString,
          versions: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: [
                'versionKey',
                'etag',
                'lastModifiedDateTime',
                'deletedDateTime',
                'capturedAt',
                'runId',
                'hostedContents',
                'message',
              ],
              properties: {
                versionKey: { type: 'string' },
                etag: nullableString,
                lastModifiedDateTime: nullableString,
                deletedDateTime: nullableString,
                capturedAt: isoTime,
                runId: { type: 'string' },
                hostedContents: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'sha256', 'contentType', 'size'],
                    properties: {
                      id: { type: 'string' },
                      sha256,
                      contentType: { type: 'string' },
                      size: { type: 'integer', minimum: 0 },
                    },
                  },
                },
                message: { type: 'object' },
              },
            },
          },
        },
      },
    },
    hostedContents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sha256', 'contentType', 'size', 'base64'],
        properties: {
          sha256,
          contentType: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          base64: { type: 'string', contentEncoding: 'base64' },
        },
      },
    },
    counts: {
      type: 'object',
      required: ['messages', 'versions', 'hostedContents'],
      properties: {
        messages: { type: 'integer', minimum: 0 },
        versions: { type: 'integer', minimum: 0 },
        hostedContents: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;

/** `manifest.json` of a zip of JSON exports, and of HTML ones beside `index.html`. */
export interface ExportManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof CHAT_EXPORT_VERSION;
  exportedAt: string;
  tenantId: string;
  exportFormat: 'json' | 'html';
  scope: { kind: 'chat'; chatId: string } | { kind: 'user'; userId: string } | { kind: 'all' };
  pointInTime: string | null;
  createdFrom: string | null;
  createdBefore: string | null;
  chats: { chatId: string; title: string; file: string; messages: number; versions: number }[];
  counts: { chats: number; messages: number; versions: number; hostedContents: number };
}
