import type { Clock } from './clock';
import type { ChatJson, ChatType, MemberJson, UserType } from './directory-json';
import type { ChatMessageJson, MessageType } from './message-json';
import { isoTime } from './message-json';
import type { SimulatorDb } from './schema';
import { StateError } from './state-error';

/** Rows as the schema stores them (see schema.ts for what each column means). */
export interface TenantRow {
  id: string;
  domain: string;
  display_name: string;
}

export interface UserRow {
  tenant_id: string;
  id: string;
  upn: string;
  display_name: string;
  account_enabled: number;
  teams_licensed: number;
  user_type: UserType;
  home_tenant_id: string | null;
  deleted: number;
  ordinal: number;
  json: string;
}

export interface ChatRow {
  tenant_id: string;
  id: string;
  chat_type: ChatType;
  created_ms: number;
  last_updated_ms: number;
  json: string;
}

export interface MemberRow {
  tenant_id: string;
  chat_id: string;
  membership_id: string;
  user_id: string;
  ordinal: number;
  json: string;
}

export interface MessageRow {
  tenant_id: string;
  chat_id: string;
  id: string;
  created_ms: number;
  last_modified_ms: number;
  seq: number;
  version: number;
  deleted: number;
  message_type: MessageType;
  from_user_id: string | null;
  json: string;
}

export interface HostedContentRow {
  tenant_id: string;
  chat_id: string;
  message_id: string;
  id: string;
  blob_sha256: string;
}

/**
 * Where a new message row goes in the table: the rowid orders rows by chat (the chat's own rowid)
 * and then by creation time, so a chat's messages lie side by side in the file whatever order they
 * were written in. A page of fifty messages then reads a few neighbouring pages of the table
 * instead of fifty pages scattered over it: a seeded tenant writes its messages in time order,
 * across all its chats at once. The message id is its creation time in ms, unique within the
 * chat, so the key is unique too; should it be taken anyway (a file whose chat rowids VACUUM
 * renumbered) or out of range, SQLite picks the rowid as it would have.
 */
const CLUSTERED_MESSAGE_ROWID_SQL = `(
  SELECT CASE WHEN EXISTS (SELECT 1 FROM messages WHERE rowid = k) THEN NULL ELSE k END
  FROM (
    SELECT c.rowid * ${2 ** 42} + @created_ms AS k FROM chats c
    WHERE c.tenant_id = @tenant_id AND c.id = @chat_id AND c.rowid < ${2 ** 21} AND @created_ms BETWEEN 0 AND ${2 ** 42 - 1}
  )
)`;

/** Every prepared statement the writers share (the seed reuses the insert ones for bulk rows). */
export function prepareStatements(db: SimulatorDb) {
  return {
    insertTenant: db.prepare(
      'INSERT INTO tenants (id, domain, display_name) VALUES (@id, @domain, @display_name)',
    ),
    insertCounter: db.prepare('INSERT INTO tenant_counters (tenant_id, seq) VALUES (?, 0)'),
    bumpSeq: db.prepare('UPDATE tenant_counters SET seq = seq + 1 WHERE tenant_id = ? RETURNING seq'),
    setSeq: db.prepare('UPDATE tenant_counters SET seq = ? WHERE tenant_id = ?'),
    tenantByIdOrDomain: db.prepare(
      'SELECT id, domain, display_name FROM tenants WHERE lower(id) = lower(@key) OR domain = @key',
    ),
    tenants: db.prepare('SELECT id, domain, display_name FROM tenants ORDER BY domain'),

    insertUser: db.prepare(
      `INSERT INTO users (tenant_id, id, upn, display_name, account_enabled, teams_licensed, user_type, home_tenant_id, deleted, ordinal, json)
       VALUES (@tenant_id, @id, @upn, @display_name, @account_enabled, @teams_licensed, @user_type, @home_tenant_id, @deleted, @ordinal, @json)`,
    ),
    nextUserOrdinal: db.prepare('SELECT COALESCE(MAX(ordinal) + 1, 0) AS n FROM users WHERE tenant_id = ?'),
    userByIdOrUpn: db.prepare(
      'SELECT * FROM users WHERE tenant_id = @tenantId AND (lower(id) = lower(@key) OR upn = @key)',
    ),
    updateUserFlags: db.prepare(
      'UPDATE users SET account_enabled = @account_enabled, teams_licensed = @teams_licensed, deleted = @deleted WHERE tenant_id = @tenant_id AND id = @id',
    ),

    insertChat: db.prepare(
      `INSERT INTO chats (tenant_id, id, chat_type, created_ms, last_updated_ms, json)
       VALUES (@tenant_id, @id, @chat_type, @created_ms, @last_updated_ms, @json)`,
    ),
    chat: db.prepare('SELECT * FROM chats WHERE tenant_id = ? AND id = ?'),
    updateChat: db.prepare('UPDATE chats SET last_updated_ms = ?, json = ? WHERE tenant_id = ? AND id = ?'),

    insertMember: db.prepare(
      `INSERT INTO chat_members (tenant_id, chat_id, membership_id, user_id, ordinal, json)
       VALUES (@tenant_id, @chat_id, @membership_id, @user_id, @ordinal, @json)`,
    ),
    nextMemberOrdinal: db.prepare(
      'SELECT COALESCE(MAX(ordinal) + 1, 0) AS n FROM chat_members WHERE tenant_id = ? AND chat_id = ?',
    ),
    memberByUser: db.prepare(
      'SELECT * FROM chat_members WHERE tenant_id = ? AND chat_id = ? AND lower(user_id) = lower(?)',
    ),
    members: db.prepare('SELECT * FROM chat_members WHERE tenant_id = ? AND chat_id = ? ORDER BY ordinal'),
    deleteMember: db.prepare(
      'DELETE FROM chat_members WHERE tenant_id = ? AND chat_id = ? AND membership_id = ?',
    ),

    insertMessage: db.prepare(
      `INSERT INTO messages (rowid, tenant_id, chat_id, id, created_ms, last_modified_ms, seq, version, deleted, message_type, from_user_id, json)
       VALUES (${CLUSTERED_MESSAGE_ROWID_SQL}, @tenant_id, @chat_id, @id, @created_ms, @last_modified_ms, @seq, @version, @deleted, @message_type, @from_user_id, @json)`,
    ),
    message: db.prepare('SELECT * FROM messages WHERE tenant_id = ? AND chat_id = ? AND id = ?'),
    messageIdTaken: db.prepare(
      'SELECT 1 AS taken FROM messages WHERE tenant_id = ? AND chat_id = ? AND id = ?',
    ),
    updateMessage: db.prepare(
      `UPDATE messages SET last_modified_ms = @last_modified_ms, seq = @seq, version = @version, deleted = @deleted, json = @json
       WHERE tenant_id = @tenant_id AND chat_id = @chat_id AND id = @id`,
    ),

    insertBlob: db.prepare(
      'INSERT OR IGNORE INTO content_blobs (sha256, content_type, bytes) VALUES (?, ?, ?)',
    ),
    insertHostedContent: db.prepare(
      `INSERT INTO hosted_contents (tenant_id, chat_id, message_id, id, blob_sha256)
       VALUES (@tenant_id, @chat_id, @message_id, @id, @blob_sha256)`,
    ),
    hostedContents: db.prepare(
      'SELECT * FROM hosted_contents WHERE tenant_id = ? AND chat_id = ? AND message_id = ? ORDER BY id',
    ),
    deleteHostedContent: db.prepare(
      'DELETE FROM hosted_contents WHERE tenant_id = ? AND chat_id = ? AND message_id = ? AND id = ?',
    ),

    insertPin: db.prepare(
      'INSERT INTO pinned_messages (tenant_id, chat_id, id, message_id, pinned_ms) VALUES (@tenant_id, @chat_id, @id, @message_id, @pinned_ms)',
    ),
    pin: db.prepare('SELECT * FROM pinned_messages WHERE tenant_id = ? AND chat_id = ? AND id = ?'),
    pinOfMessage: db.prepare(
      'SELECT * FROM pinned_messages WHERE tenant_id = ? AND chat_id = ? AND message_id = ?',
    ),
    deletePin: db.prepare('DELETE FROM pinned_messages WHERE tenant_id = ? AND chat_id = ? AND id = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/**
 * What every writer needs: the database, its statements and the clock, plus the bookkeeping each
 * write must do (bump the tenant's `seq`, move the chat's `lastUpdatedDateTime`).
 */
export class StateContext {
  readonly stmt: Statements;

  constructor(
    readonly db: SimulatorDb,
    readonly clock: Clock,
  ) {
    this.stmt = prepareStatements(db);
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Bumps the tenant's change counter and returns the new value. */
  nextSeq(tenantId: string): number {
    const row = this.stmt.bumpSeq.get(tenantId) as { seq: number } | undefined;
    if (!row) throw new StateError('tenantNotFound', `tenant ${tenantId} not found`);
    return row.seq;
  }

  /**
   * The time of a new state that follows one at `afterMs`. A message's etag is its
   * lastModifiedDateTime in ms, so two states must never share a millisecond, even when the
   * injected clock stands still.
   */
  timeAfter(afterMs: number): number {
    return Math.max(this.clock.now(), afterMs + 1);
  }

  tenant(idOrDomain: string): TenantRow | undefined {
    return this.stmt.tenantByIdOrDomain.get({ key: idOrDomain }) as TenantRow | undefined;
  }

  requireTenant(idOrDomain: string): TenantRow {
    const row = this.tenant(idOrDomain);
    if (!row) throw new StateError('tenantNotFound', `tenant ${idOrDomain} not found`);
    return row;
  }

  requireChat(tenantId: string, chatId: string): ChatRow {
    const row = this.stmt.chat.get(tenantId, chatId) as ChatRow | undefined;
    if (!row) throw new StateError('chatNotFound', `chat ${chatId} not found in tenant ${tenantId}`);
    return row;
  }

  requireMessage(tenantId: string, chatId: string, messageId: string): MessageRow {
    const row = this.stmt.message.get(tenantId, chatId, messageId) as MessageRow | undefined;
    if (!row) throw new StateError('messageNotFound', `message ${messageId} not found in chat ${chatId}`);
    return row;
  }

  /** A directory user by id or UPN, soft-deleted ones included. */
  anyUser(tenantId: string, idOrUpn: string): UserRow | undefined {
    return this.stmt.userByIdOrUpn.get({ tenantId, key: idOrUpn }) as UserRow | undefined;
  }

  /** A live (not deleted) directory user of the tenant. */
  directoryUser(tenantId: string, idOrUpn: string): UserRow | undefined {
    const row = this.anyUser(tenantId, idOrUpn);
    return row && !row.deleted ? row : undefined;
  }

  member(tenantId: string, chatId: string, userId: string): MemberRow | undefined {
    return this.stmt.memberByUser.get(tenantId, chatId, userId) as MemberRow | undefined;
  }

  /** Moves the chat's lastUpdatedDateTime to `ms` (never back) and applies `change` to its JSON. */
  touchChat(tenantId: string, chatId: string, ms: number, change?: (chat: ChatJson) => void): void {
    const row = this.requireChat(tenantId, chatId);
    const chat = JSON.parse(row.json) as ChatJson;
    const lastUpdated = Math.max(row.last_updated_ms, ms);
    chat.lastUpdatedDateTime = isoTime(lastUpdated);
    change?.(chat);
    this.stmt.updateChat.run(lastUpdated, JSON.stringify(chat), tenantId, chatId);
  }

  /** A message id (epoch ms, unique within the chat) at or after `ms`. */
  freeMessageMs(tenantId: string, chatId: string, ms: number): number {
    let at = ms;
    while (this.stmt.messageIdTaken.get(tenantId, chatId, String(at))) at += 1;
    return at;
  }

  /** Inserts a new message row; `version` starts at 1. */
  insertMessage(tenantId: string, message: ChatMessageJson, fromUserId: string | null): number {
    const seq = this.nextSeq(tenantId);
    const ms = Number(message.id);
    this.stmt.insertMessage.run({
      tenant_id: tenantId,
      chat_id: message.chatId,
      id: message.id,
      created_ms: ms,
      last_modified_ms: Date.parse(message.lastModifiedDateTime),
      seq,
      version: 1,
      deleted: 0,
      message_type: message.messageType,
      from_user_id: fromUserId,
      json: JSON.stringify(message),
    });
    this.touchChat(tenantId, message.chatId, Date.parse(message.lastModifiedDateTime));
    return seq;
  }

  /** Stores a message's next state: a new version with a new seq. */
  updateMessage(tenantId: string, previous: MessageRow, next: ChatMessageJson): void {
    const lastModified = Date.parse(next.lastModifiedDateTime);
    this.stmt.updateMessage.run({
      tenant_id: tenantId,
      chat_id: previous.chat_id,
      id: previous.id,
      last_modified_ms: lastModified,
      seq: this.nextSeq(tenantId),
      version: previous.version + 1,
      deleted: next.deletedDateTime === null ? 0 : 1,
      json: JSON.stringify(next),
    });
    this.touchChat(tenantId, previous.chat_id, lastModified);
  }
}

export function parseMember(row: MemberRow): MemberJson {
  return JSON.parse(row.json) as MemberJson;
}
