import type { HostedContentRef, StoredMessageVersion } from '../backup-records';

/** A `message_versions` row as both SQLite adapters read it (`raw()` arrays, in VERSION_COLUMNS order). */
export type VersionRow = [
  chat_id: string,
  message_id: string,
  version_key: string,
  captured_at: string,
  run_id: string,
  etag: string | null,
  last_modified: string | null,
  created: string,
  deleted: string | null,
  from_user_id: string | null,
  message_type: string,
  message: string,
  hosted_contents: string,
];

export const VERSION_COLUMNS =
  'chat_id, message_id, version_key, captured_at, run_id, etag, last_modified, created, deleted, from_user_id, message_type, message, hosted_contents';

export function versionFromRow(tenantId: string, row: VersionRow): StoredMessageVersion {
  const [chatId, messageId, versionKey, capturedAt, runId, etag, lastModified, created, deleted, fromUserId] =
    row;
  return {
    tenantId,
    versionId: `${chatId}|${messageId}|${versionKey}`,
    versionKey,
    chatId,
    messageId,
    etag,
    lastModifiedDateTime: lastModified,
    createdDateTime: created,
    deletedDateTime: deleted,
    fromUserId,
    messageType: row[10],
    capturedAt,
    runId,
    message: JSON.parse(row[11]) as Record<string, unknown>,
    hostedContents: JSON.parse(row[12]) as HostedContentRef[],
  };
}
