import { rebaseGraphUrls } from './graph-urls';
import type { MessageType } from './message-json';
import type { StateContext } from './state-context';

/**
 * What the tenant holds right now, for tests that check a backup against the source: counts,
 * and every message's current JSON with the content address of its hosted contents.
 */

export interface TenantStats {
  /** Live directory users (members and guests); the next three count among them. */
  users: number;
  usersUnlicensed: number;
  usersDisabled: number;
  /** Soft-deleted users (Graph answers 404 for them). */
  usersDeleted: number;
  chats: { oneOnOne: number; group: number; meeting: number; total: number };
  /** Chat membership rows, summed over chats. */
  members: number;
  /** Every message row, deleted and system event messages included. */
  messages: number;
  messagesDeleted: number;
  systemMessages: number;
  /** Sum of `version`: the number of distinct message states a perfect observer could have seen. */
  versions: number;
  hostedContents: number;
  /** Distinct blobs behind the hosted contents: what a content-addressed store keeps. */
  distinctHostedContentBlobs: number;
  pinned: number;
  /** The tenant's change counter. */
  seq: number;
}

export function tenantStats(ctx: StateContext, tenantIdOrDomain: string): TenantStats {
  const tenantId = ctx.requireTenant(tenantIdOrDomain).id;
  const one = <T>(sql: string): T => ctx.db.prepare(sql).get(tenantId) as T;
  const users = one<{ users: number; unlicensed: number; disabled: number; deleted: number }>(
    `SELECT COALESCE(SUM(deleted = 0), 0) AS users,
            COALESCE(SUM(deleted = 0 AND teams_licensed = 0), 0) AS unlicensed,
            COALESCE(SUM(deleted = 0 AND account_enabled = 0), 0) AS disabled,
            COALESCE(SUM(deleted = 1), 0) AS deleted
     FROM users WHERE tenant_id = ?`,
  );
  const chats = one<{ oneOnOne: number; grp: number; meeting: number; total: number }>(
    `SELECT COALESCE(SUM(chat_type = 'oneOnOne'), 0) AS oneOnOne, COALESCE(SUM(chat_type = 'group'), 0) AS grp,
            COALESCE(SUM(chat_type = 'meeting'), 0) AS meeting, COUNT(*) AS total
     FROM chats WHERE tenant_id = ?`,
  );
  const messages = one<{ messages: number; deleted: number; system: number; versions: number }>(
    `SELECT COUNT(*) AS messages, COALESCE(SUM(deleted), 0) AS deleted,
            COALESCE(SUM(message_type = 'systemEventMessage'), 0) AS system, COALESCE(SUM(version), 0) AS versions
     FROM messages WHERE tenant_id = ?`,
  );
  const hosted = one<{ hosted: number; blobs: number }>(
    'SELECT COUNT(*) AS hosted, COUNT(DISTINCT blob_sha256) AS blobs FROM hosted_contents WHERE tenant_id = ?',
  );
  return {
    users: users.users,
    usersUnlicensed: users.unlicensed,
    usersDisabled: users.disabled,
    usersDeleted: users.deleted,
    chats: { oneOnOne: chats.oneOnOne, group: chats.grp, meeting: chats.meeting, total: chats.total },
    members: one<{ n: number }>('SELECT COUNT(*) AS n FROM chat_members WHERE tenant_id = ?').n,
    messages: messages.messages,
    messagesDeleted: messages.deleted,
    systemMessages: messages.system,
    versions: messages.versions,
    hostedContents: hosted.hosted,
    distinctHostedContentBlobs: hosted.blobs,
    pinned: one<{ n: number }>('SELECT COUNT(*) AS n FROM pinned_messages WHERE tenant_id = ?').n,
    seq: one<{ seq: number }>('SELECT seq FROM tenant_counters WHERE tenant_id = ?').seq,
  };
}

export interface TruthHostedContent {
  id: string;
  sha256: string;
  contentType: string;
}

export interface TruthMessage {
  chatId: string;
  id: string;
  version: number;
  deleted: boolean;
  messageType: MessageType;
  lastModifiedMs: number;
  seq: number;
  /** The chatMessage JSON Graph serves now (rebased onto `baseUrl` when one was given). */
  json: string;
  hostedContents: TruthHostedContent[];
}

export interface ExportTruthOptions {
  chatId?: string;
  /** Rewrites Graph URLs onto this base, as the Graph routes serve them. */
  baseUrl?: string;
}

interface TruthRow {
  chat_id: string;
  id: string;
  version: number;
  deleted: number;
  message_type: MessageType;
  last_modified_ms: number;
  seq: number;
  json: string;
  hosted: string;
}

/**
 * Every message of the tenant (or one chat), ordered by chat then creation, one at a time so a
 * tenant of millions never sits in memory. SQLite keeps the connection busy while this runs:
 * finish or `return()` the iteration before writing to the tenant.
 */
export function* exportTruth(
  ctx: StateContext,
  tenantIdOrDomain: string,
  options: ExportTruthOptions = {},
): Generator<TruthMessage, void, undefined> {
  const tenantId = ctx.requireTenant(tenantIdOrDomain).id;
  const statement = ctx.db.prepare(
    `SELECT m.chat_id, m.id, m.version, m.deleted, m.message_type, m.last_modified_ms, m.seq, m.json,
            (SELECT json_group_array(json_object('id', h.id, 'sha256', h.blob_sha256, 'contentType', b.content_type))
             FROM hosted_contents h JOIN content_blobs b ON b.sha256 = h.blob_sha256
             WHERE h.tenant_id = m.tenant_id AND h.chat_id = m.chat_id AND h.message_id = m.id) AS hosted
     FROM messages m
     WHERE m.tenant_id = @tenantId ${options.chatId === undefined ? '' : 'AND m.chat_id = @chatId'}
     ORDER BY m.chat_id, m.created_ms, m.id`,
  );
  const params = options.chatId === undefined ? { tenantId } : { tenantId, chatId: options.chatId };
  const rows = statement.iterate(params) as IterableIterator<TruthRow>;
  for (const row of rows) {
    yield {
      chatId: row.chat_id,
      id: row.id,
      version: row.version,
      deleted: row.deleted === 1,
      messageType: row.message_type,
      lastModifiedMs: row.last_modified_ms,
      seq: row.seq,
      json: options.baseUrl === undefined ? row.json : rebaseGraphUrls(row.json, options.baseUrl),
      hostedContents: JSON.parse(row.hosted) as TruthHostedContent[],
    };
  }
}

/** The bytes behind a content address, or undefined. */
export function readBlob(
  ctx: StateContext,
  sha256: string,
): { contentType: string; bytes: Buffer } | undefined {
  const row = ctx.db.prepare('SELECT content_type, bytes FROM content_blobs WHERE sha256 = ?').get(sha256) as
    { content_type: string; bytes: Buffer } | undefined;
  return row && { contentType: row.content_type, bytes: row.bytes };
}
