import type Database from 'better-sqlite3';
import type {
  MessageCounts,
  MessageHead,
  MessageVersion,
  PutVersionsResult,
  StoredMessageVersion,
} from '../backup-records';
import type { MessageStore } from '../backup-store';
import { countMerge, emptyPutResult, groupVersions, mergeHead, messageVersionKey } from '../message-heads';
import { pageLimit } from '../paging';
import { VERSION_COLUMNS, versionFromRow, type VersionRow } from './version-rows';

/**
 * Message versions in SQLite. A batch is one transaction, so it is all or nothing; it still reads
 * and writes through the same head merge as every adapter, so counts and heads agree everywhere.
 */
export class SqliteMessageStore implements MessageStore {
  private readonly statements;
  private readonly putBatch: (tenantId: string, versions: MessageVersion[]) => PutVersionsResult;

  /** `beforeWrite`: a test seam called before each row write (throwing aborts the batch's transaction). */
  constructor(db: Database.Database, beforeWrite: () => void = () => {}) {
    this.statements = {
      getHead: db
        .prepare('SELECT doc FROM message_heads WHERE tenant_id = ? AND chat_id = ? AND message_id = ?')
        .pluck(),
      putHead:
        db.prepare(`INSERT INTO message_heads (tenant_id, chat_id, message_id, deleted, version_count, doc)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (tenant_id, chat_id, message_id) DO UPDATE SET
            deleted = excluded.deleted, version_count = excluded.version_count, doc = excluded.doc`),
      // OR IGNORE: a version is never replaced, whatever a later write carries.
      putVersion: db.prepare(`INSERT OR IGNORE INTO message_versions (tenant_id, ${VERSION_COLUMNS})
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      // Pages of whole messages: rows in (chat_id, message_id) order from the identity index.
      pageAll: db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM message_versions
           WHERE tenant_id = ? AND (chat_id, message_id) > (?, ?) ORDER BY chat_id, message_id LIMIT ?`,
        )
        .raw(),
      pageChat: db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM message_versions
           WHERE tenant_id = ? AND chat_id = ? AND message_id > ? ORDER BY message_id LIMIT ?`,
        )
        .raw(),
      oneMessage: db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM message_versions WHERE tenant_id = ? AND chat_id = ? AND message_id = ?`,
        )
        .raw(),
      countHeads: db.prepare(
        'SELECT COUNT(*) AS messages, COALESCE(SUM(deleted), 0) AS deleted FROM message_heads WHERE tenant_id = ?',
      ),
      countChatHeads: db.prepare(
        'SELECT COUNT(*) AS messages, COALESCE(SUM(deleted), 0) AS deleted FROM message_heads WHERE tenant_id = ? AND chat_id = ?',
      ),
      countVersions: db.prepare('SELECT COUNT(*) FROM message_versions WHERE tenant_id = ?').pluck(),
      countChatVersions: db
        .prepare('SELECT COUNT(*) FROM message_versions WHERE tenant_id = ? AND chat_id = ?')
        .pluck(),
    };
    this.putBatch = db.transaction((tenantId: string, versions: MessageVersion[]) => {
      const result = emptyPutResult();
      for (const [chatId, messages] of groupVersions(versions)) {
        for (const [messageId, list] of messages) {
          const previous = this.readHead(tenantId, chatId, messageId);
          const merge = mergeHead(tenantId, previous, list);
          countMerge(result, previous, merge);
          if (merge.added.length === 0) continue;
          for (const v of merge.added) {
            beforeWrite();
            this.insertVersion(tenantId, v);
          }
          const head = merge.head;
          beforeWrite();
          this.statements.putHead.run(
            tenantId,
            chatId,
            messageId,
            head.deleted ? 1 : 0,
            head.versionCount,
            JSON.stringify(head),
          );
        }
      }
      return result;
    });
  }

  async putMessageVersions(tenantId: string, versions: MessageVersion[]): Promise<PutVersionsResult> {
    return this.putBatch(tenantId, versions);
  }

  async getMessageHeads(
    tenantId: string,
    chatId: string,
    messageIds: string[],
  ): Promise<Map<string, MessageHead>> {
    const heads = new Map<string, MessageHead>();
    for (const messageId of messageIds) {
      const head = this.readHead(tenantId, chatId, messageId);
      if (head) heads.set(messageId, head);
    }
    return heads;
  }

  async *iterateVersions(
    tenantId: string,
    options: { chatId?: string; pageSize?: number } = {},
  ): AsyncIterable<StoredMessageVersion> {
    const limit = pageLimit(options.pageSize ?? 500);
    const { chatId } = options;
    // Keyset paging by message: each page starts after the last message the previous one ended
    // with, so a long iteration holds no read transaction open and never sees a row twice.
    let after: [string, string] = [chatId ?? '', ''];
    for (;;) {
      let rows = (
        chatId === undefined
          ? this.statements.pageAll.all(tenantId, after[0], after[1], limit)
          : this.statements.pageChat.all(tenantId, chatId, after[1], limit)
      ) as VersionRow[];
      const full = rows.length === limit;
      if (full) {
        // The last message may continue on the next page: leave it to that page, or, when it fills
        // this page alone, read it whole.
        const [lastChat, lastMessage] = rows[rows.length - 1]!;
        const complete = rows.filter(([c, m]) => c !== lastChat || m !== lastMessage);
        rows =
          complete.length > 0
            ? complete
            : (this.statements.oneMessage.all(tenantId, lastChat, lastMessage) as VersionRow[]);
      }
      rows.sort(compareRows);
      for (const row of rows) yield versionFromRow(tenantId, row);
      if (!full) return;
      const last = rows[rows.length - 1]!;
      after = [last[0], last[1]];
    }
  }

  async countMessages(tenantId: string, options: { chatId?: string } = {}): Promise<MessageCounts> {
    const { chatId } = options;
    const heads = (
      chatId === undefined
        ? this.statements.countHeads.get(tenantId)
        : this.statements.countChatHeads.get(tenantId, chatId)
    ) as { messages: number; deleted: number };
    const versions = (
      chatId === undefined
        ? this.statements.countVersions.get(tenantId)
        : this.statements.countChatVersions.get(tenantId, chatId)
    ) as number;
    return { messages: heads.messages, versions, deleted: heads.deleted };
  }

  private readHead(tenantId: string, chatId: string, messageId: string): MessageHead | undefined {
    const doc = this.statements.getHead.get(tenantId, chatId, messageId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as MessageHead);
  }

  private insertVersion(tenantId: string, v: MessageVersion): void {
    this.statements.putVersion.run(
      tenantId,
      v.chatId,
      v.messageId,
      messageVersionKey(v),
      v.capturedAt,
      v.runId,
      v.etag,
      v.lastModifiedDateTime,
      v.createdDateTime,
      v.deletedDateTime,
      v.fromUserId,
      v.messageType,
      JSON.stringify(v.message),
      JSON.stringify(v.hostedContents),
    );
  }
}

/** The ground-truth order: chatId, messageId, capturedAt, versionKey. */
function compareRows(a: VersionRow, b: VersionRow): number {
  for (const i of [0, 1, 3, 2] as const) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
