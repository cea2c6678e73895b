import type Database from 'better-sqlite3';
import type {
  ChatInput,
  ChatMemberInput,
  ChatMemberRecord,
  ChatRecord,
  MembersChange,
  Page,
  PageOptions,
  PinnedMessageInput,
  PinnedSnapshot,
} from '../backup-records';
import type { ChatStore } from '../backup-store';
import { applyMemberSnapshot, mergeChat } from '../chat-history';
import { decodeKeyCursor, encodeKeyCursor, pageLimit } from '../paging';

export class SqliteChatStore implements ChatStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      getChat: db.prepare('SELECT doc FROM chats WHERE tenant_id = ? AND chat_id = ?').pluck(),
      putChat: db.prepare(
        'INSERT INTO chats (tenant_id, chat_id, doc) VALUES (?, ?, ?) ON CONFLICT (tenant_id, chat_id) DO UPDATE SET doc = excluded.doc',
      ),
      listChats: db
        .prepare(
          'SELECT chat_id, doc FROM chats WHERE tenant_id = ? AND chat_id > ? ORDER BY chat_id LIMIT ?',
        )
        .raw(),
      listChatsOfMember: db
        .prepare(
          `SELECT c.chat_id, c.doc FROM chat_members m JOIN chats c ON c.tenant_id = m.tenant_id AND c.chat_id = m.chat_id
           WHERE m.tenant_id = ? AND m.user_id = ? AND m.present >= ? AND m.chat_id > ?
           ORDER BY m.chat_id LIMIT ?`,
        )
        .raw(),
      getMembers: db
        .prepare('SELECT doc FROM chat_members WHERE tenant_id = ? AND chat_id = ? ORDER BY user_id')
        .pluck(),
      putMember:
        db.prepare(`INSERT INTO chat_members (tenant_id, chat_id, user_id, present, doc) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (tenant_id, chat_id, user_id) DO UPDATE SET present = excluded.present, doc = excluded.doc`),
      putPinned:
        db.prepare(`INSERT INTO pinned_messages (tenant_id, chat_id, seen_at, doc) VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant_id, chat_id) DO UPDATE SET seen_at = excluded.seen_at, doc = excluded.doc
          WHERE excluded.seen_at >= pinned_messages.seen_at`),
      getPinned: db.prepare('SELECT seen_at, doc FROM pinned_messages WHERE tenant_id = ? AND chat_id = ?'),
    };
  }

  async upsertChats(tenantId: string, chats: ChatInput[], seenAt: string): Promise<void> {
    this.db.transaction(() => {
      for (const chat of chats) {
        const doc = this.statements.getChat.get(tenantId, chat.chatId) as string | undefined;
        const existing = doc === undefined ? undefined : (JSON.parse(doc) as ChatRecord);
        const merged = mergeChat(tenantId, existing, chat, seenAt);
        if (merged) this.statements.putChat.run(tenantId, chat.chatId, JSON.stringify(merged));
      }
    })();
  }

  async getChat(tenantId: string, chatId: string): Promise<ChatRecord | undefined> {
    const doc = this.statements.getChat.get(tenantId, chatId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as ChatRecord);
  }

  async listChats(
    tenantId: string,
    options: PageOptions & { memberUserId?: string; currentOnly?: boolean } = {},
  ): Promise<Page<ChatRecord>> {
    const limit = pageLimit(options.limit);
    const [after] = options.cursor ? decodeKeyCursor(options.cursor, 1) : [''];
    const rows = (
      options.memberUserId === undefined
        ? this.statements.listChats.all(tenantId, after, limit)
        : this.statements.listChatsOfMember.all(
            tenantId,
            options.memberUserId,
            options.currentOnly ? 1 : 0,
            after,
            limit,
          )
    ) as [string, string][];
    const items = rows.map(([, doc]) => JSON.parse(doc) as ChatRecord);
    return rows.length === limit ? { items, next: encodeKeyCursor([rows[rows.length - 1]![0]]) } : { items };
  }

  async recordMembers(
    tenantId: string,
    chatId: string,
    members: ChatMemberInput[],
    seenAt: string,
  ): Promise<MembersChange> {
    return this.db.transaction(() => {
      const existing = this.membersOf(tenantId, chatId);
      const { changed, ...change } = applyMemberSnapshot(tenantId, chatId, existing, members, seenAt);
      for (const record of changed) {
        this.statements.putMember.run(
          tenantId,
          chatId,
          record.userId,
          record.present ? 1 : 0,
          JSON.stringify(record),
        );
      }
      return change;
    })();
  }

  async getMembers(tenantId: string, chatId: string): Promise<ChatMemberRecord[]> {
    return this.membersOf(tenantId, chatId);
  }

  async putPinnedMessages(
    tenantId: string,
    chatId: string,
    pinned: PinnedMessageInput[],
    seenAt: string,
  ): Promise<boolean> {
    return this.statements.putPinned.run(tenantId, chatId, seenAt, JSON.stringify(pinned)).changes === 1;
  }

  async getPinnedMessages(tenantId: string, chatId: string): Promise<PinnedSnapshot | undefined> {
    const row = this.statements.getPinned.get(tenantId, chatId) as
      { seen_at: string; doc: string } | undefined;
    if (!row) return undefined;
    return { tenantId, chatId, seenAt: row.seen_at, pinned: JSON.parse(row.doc) as PinnedMessageInput[] };
  }

  private membersOf(tenantId: string, chatId: string): ChatMemberRecord[] {
    return (this.statements.getMembers.all(tenantId, chatId) as string[]).map(
      (doc) => JSON.parse(doc) as ChatMemberRecord,
    );
  }
}
