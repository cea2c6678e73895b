import type Database from 'better-sqlite3';
import type { HostedContentRef, Page } from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import {
  createdBounds,
  createdMillis,
  historyWithin,
  pageOfHistories,
  storeTime,
  withinBounds,
} from '../message-history';
import { decodeKeyCursor, encodeKeyCursor, pageLimit } from '../paging';
import type {
  BlobSweep,
  ChatMessagesPage,
  ChatMessagesQuery,
  DeletedMessages,
  MessageHistory,
  MessageRef,
  RetentionPolicy,
  SearchMatch,
  SearchQuery,
  UserRecordsErased,
} from '../recovery-records';
import { newSweepId, pinnedSender, withoutListedMember } from '../recovery-edits';
import type { RecoveryStore } from '../recovery-store';
import { monthIndex, monthToken, scopeToken } from '../scope-tokens';
import { searchableText } from '../search-text';
import { BACKUP_MIGRATIONS } from './backup-migrations';
import { migrate } from './migrate';
import { RECOVERY_MIGRATIONS } from './recovery-migrations';
import { VERSION_COLUMNS, versionFromRow, type VersionRow } from './version-rows';

interface MatchRow {
  chat_id: string;
  message_id: string;
  created: string;
  created_ms: number;
  from_user_id: string | null;
  keys: string;
}

interface SourceRow {
  rowid: number;
  tenant_id: string;
  chat_id: string;
  message_id: string;
  version_key: string;
  created: string;
  from_user_id: string | null;
  message: string;
  hosted_contents: string;
}

/** Versions read and indexed per transaction: the write lock is held for a few tens of ms at a time. */
const INDEX_CHUNK = 1000;
/** Matching versions above which a search walks month by month (see `searchMessages`). */
const BUCKETED_ABOVE = 5000;
const UNIT_SEPARATOR = '\u001f';

/**
 * The recovery store in the backup's SQLite database. Transcripts read `message_versions` through
 * its identity index (tenant, chat, message, version key): a page is one keyset range of it. Search
 * is FTS5 over the versions' words, fed by `updateSearchIndex` from `message_versions` in rowid
 * order; `recovery_indexed` remembers each version indexed (its sender, creation time and the
 * rowid read), and `recovery_blob_refs` the blobs it references, which is what erasure counts.
 */
export class SqliteRecoveryStore implements RecoveryStore {
  private readonly statements;
  private readonly prepared = new Map<string, Database.Statement>();
  private readonly indexChunk: Database.Transaction<() => number>;
  private readonly deleteBatch: (tenantId: string, refs: MessageRef[], now: string) => DeletedMessages;
  private readonly eraseUser: (tenantId: string, userId: string) => UserRecordsErased;

  private readonly bucketedAbove: number;

  constructor(
    private readonly db: Database.Database,
    options: SqliteRecoveryStoreOptions = {},
  ) {
    this.bucketedAbove = options.bucketedAbove ?? BUCKETED_ABOVE;
    migrate(db, 'backup', BACKUP_MIGRATIONS);
    migrate(db, 'recovery', RECOVERY_MIGRATIONS);
    // Registered on this connection only and used only by this store's own queries (never by a
    // trigger another connection could fire), so no other process needs it.
    db.function('recovery_created_ms', { deterministic: true }, (created: unknown, messageId: unknown) =>
      createdMillis(String(created), String(messageId)),
    );
    this.statements = {
      oneMessage: db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM message_versions WHERE tenant_id = ? AND chat_id = ? AND message_id = ?`,
        )
        .raw(),
      messagesIn: db
        .prepare(
          `SELECT ${VERSION_COLUMNS} FROM message_versions
           WHERE tenant_id = ? AND chat_id = ? AND message_id IN (SELECT value FROM json_each(?))`,
        )
        .raw(),
      watermark: db.prepare('SELECT MAX(source_rowid) FROM recovery_indexed').pluck(),
      indexedAt: db.prepare(
        'SELECT tenant_id, chat_id, message_id, version_key FROM recovery_indexed WHERE source_rowid = ? LIMIT 1',
      ),
      sourceAt: db.prepare(
        'SELECT tenant_id, chat_id, message_id, version_key FROM message_versions WHERE rowid = ?',
      ),
      sourceAfter: db.prepare(
        `SELECT rowid, tenant_id, chat_id, message_id, version_key, created, from_user_id, message, hosted_contents
         FROM message_versions WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      ),
      insertIndexed: db.prepare(
        `INSERT OR IGNORE INTO recovery_indexed
           (source_rowid, tenant_id, chat_id, message_id, version_key, created, created_ms, from_user_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      moveIndexed: db.prepare(
        `UPDATE recovery_indexed SET source_rowid = ?
         WHERE tenant_id = ? AND chat_id = ? AND message_id = ? AND version_key = ?`,
      ),
      insertSearch: db.prepare('INSERT INTO recovery_search (rowid, body, scope) VALUES (?, ?, ?)'),
      insertRef: db.prepare(
        'INSERT OR IGNORE INTO recovery_blob_refs (entry_id, tenant_id, sha256) VALUES (?, ?, ?)',
      ),
      entriesOf: db
        .prepare(
          'SELECT entry_id FROM recovery_indexed WHERE tenant_id = ? AND chat_id = ? AND message_id = ?',
        )
        .pluck(),
      deleteSearch: db.prepare('DELETE FROM recovery_search WHERE rowid = ?'),
      deleteRefs: db.prepare('DELETE FROM recovery_blob_refs WHERE entry_id = ?'),
      deleteIndexed: db.prepare('DELETE FROM recovery_indexed WHERE entry_id = ?'),
      hostedOf: db
        .prepare(
          'SELECT hosted_contents FROM message_versions WHERE tenant_id = ? AND chat_id = ? AND message_id = ?',
        )
        .pluck(),
      deleteVersions: db.prepare(
        'DELETE FROM message_versions WHERE tenant_id = ? AND chat_id = ? AND message_id = ?',
      ),
      deleteHead: db.prepare(
        'DELETE FROM message_heads WHERE tenant_id = ? AND chat_id = ? AND message_id = ?',
      ),
      // Counts no further than the threshold: a bounded look at how common the words are.
      countMatches: db
        .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM recovery_search WHERE recovery_search MATCH ? LIMIT ?)')
        .pluck(),
      // Two range probes of an index on tenant_id (`<>` would scan the table).
      otherTenant: db
        .prepare(
          `SELECT 1 WHERE EXISTS (SELECT 1 FROM recovery_indexed WHERE tenant_id < @tenant)
                       OR EXISTS (SELECT 1 FROM recovery_indexed WHERE tenant_id > @tenant)`,
        )
        .pluck(),
      createdSpan: db.prepare(
        'SELECT MIN(created_ms) AS first, MAX(created_ms) AS last FROM recovery_indexed WHERE tenant_id = ?',
      ),
      referenced: db
        .prepare('SELECT 1 FROM recovery_blob_refs WHERE tenant_id = ? AND sha256 = ? LIMIT 1')
        .pluck(),
      fromUser: db
        .prepare(
          'SELECT DISTINCT chat_id, message_id FROM recovery_indexed WHERE tenant_id = ? AND from_user_id = ? LIMIT ?',
        )
        .raw(),
      createdBefore: db
        .prepare(
          'SELECT DISTINCT chat_id, message_id FROM recovery_indexed WHERE tenant_id = ? AND created_ms < ? LIMIT ?',
        )
        .raw(),
      getPolicy: db.prepare('SELECT doc FROM retention_policies WHERE tenant_id = ?').pluck(),
      putPolicy: db.prepare(
        'INSERT INTO retention_policies (tenant_id, doc) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET doc = excluded.doc',
      ),
      putSweep: db.prepare(
        'INSERT INTO blob_sweeps (tenant_id, sweep_id, created_at, hashes) VALUES (?, ?, ?, ?)',
      ),
      listSweeps: db
        .prepare(
          'SELECT sweep_id, created_at, hashes FROM blob_sweeps WHERE tenant_id = ? ORDER BY created_at, sweep_id',
        )
        .raw(),
      deleteSweep: db.prepare('DELETE FROM blob_sweeps WHERE tenant_id = ? AND sweep_id = ?'),
      deleteUser: db.prepare('DELETE FROM directory_users WHERE tenant_id = ? AND user_id = ?'),
      membershipsOf: db
        .prepare('SELECT chat_id FROM chat_members WHERE tenant_id = ? AND user_id = ?')
        .pluck(),
      deleteMemberships: db.prepare('DELETE FROM chat_members WHERE tenant_id = ? AND user_id = ?'),
      getChat: db.prepare('SELECT doc FROM chats WHERE tenant_id = ? AND chat_id = ?').pluck(),
      putChatDoc: db.prepare('UPDATE chats SET doc = ? WHERE tenant_id = ? AND chat_id = ?'),
      pinnedOf: db.prepare('SELECT chat_id, doc FROM pinned_messages WHERE tenant_id = ?').raw(),
      putPinnedDoc: db.prepare('UPDATE pinned_messages SET doc = ? WHERE tenant_id = ? AND chat_id = ?'),
    };
    this.indexChunk = db.transaction((): number => {
      let watermark = (this.statements.watermark.get() as number | null) ?? 0;
      if (watermark > 0 && !this.watermarkHolds(watermark)) watermark = this.reconcile();
      const rows = this.statements.sourceAfter.all(watermark, INDEX_CHUNK) as SourceRow[];
      for (const row of rows) this.indexRow(row);
      return rows.length;
    });
    this.deleteBatch = db.transaction((tenantId: string, refs: MessageRef[], now: string) =>
      this.deleteBatchNow(tenantId, refs, now),
    );
    this.eraseUser = db.transaction((tenantId: string, userId: string) =>
      this.eraseUserNow(tenantId, userId),
    );
  }

  async readChatMessages(
    tenantId: string,
    chatId: string,
    query: ChatMessagesQuery,
  ): Promise<ChatMessagesPage> {
    const limit = pageLimit(query.limit);
    const at = query.at === undefined ? undefined : storeTime(query.at, 'at');
    const bounds = { ...createdBounds(query), ...(at === undefined ? {} : { at }) };
    const ascending = query.order === 'oldest-first';
    const conditions = ['tenant_id = ?', 'chat_id = ?'];
    const params: unknown[] = [tenantId, chatId];
    if (query.from !== undefined) {
      conditions.push(ascending ? 'message_id > ?' : 'message_id < ?');
      params.push(query.from);
    }
    if (at !== undefined) {
      conditions.push('captured_at <= ?');
      params.push(at);
    }
    if (bounds.createdFromMs !== undefined) {
      conditions.push('recovery_created_ms(created, message_id) >= ?');
      params.push(bounds.createdFromMs);
    }
    if (bounds.createdBeforeMs !== undefined) {
      conditions.push('recovery_created_ms(created, message_id) < ?');
      params.push(bounds.createdBeforeMs);
    }
    // DISTINCT over the identity index's (…, chat_id, message_id) prefix walks it in order.
    const ids = this.statement(
      `SELECT DISTINCT message_id FROM message_versions WHERE ${conditions.join(' AND ')}
       ORDER BY message_id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`,
    )
      .pluck()
      .all(...params, limit + 1) as string[];
    const more = ids.length > limit;
    const pageIds = ids.slice(0, limit);
    if (pageIds.length === 0) return { messages: [], more: false };
    const rows = this.statements.messagesIn.all(tenantId, chatId, JSON.stringify(pageIds)) as VersionRow[];
    const versions = rows.map((row) => versionFromRow(tenantId, row)).filter((v) => withinBounds(v, bounds));
    return { messages: pageOfHistories(tenantId, chatId, versions, ascending), more };
  }

  async readMessage(
    tenantId: string,
    chatId: string,
    messageId: string,
    at?: string,
  ): Promise<MessageHistory | undefined> {
    const bound = at === undefined ? {} : { at: storeTime(at, 'at') };
    const rows = this.statements.oneMessage.all(tenantId, chatId, messageId) as VersionRow[];
    return historyWithin(
      tenantId,
      chatId,
      rows.map((row) => versionFromRow(tenantId, row)),
      bound,
    );
  }

  /**
   * The index covers every `message_versions` row up to the largest rowid it read (its watermark),
   * for every tenant at once: rowids grow with each insert, and only erasure, which first brings
   * the index up to date, ever deletes rows. Catching up reads on from the watermark in chunks, each
   * in its own write transaction, so concurrent catch-ups (other processes) never index a row twice.
   */
  async updateSearchIndex(_tenantId: string): Promise<{ indexed: number }> {
    let indexed = 0;
    for (;;) {
      const added = this.indexChunk.immediate();
      indexed += added;
      if (added < INDEX_CHUNK) return { indexed };
    }
  }

  /**
   * Whether the row at the watermark is still the version indexed from it. A VACUUM may renumber
   * the implicit rowids of `message_versions` (SQLite documents that they are not stable); the
   * index then finds its watermark naming another row, and reconciles.
   */
  private watermarkHolds(watermark: number): boolean {
    const indexed = this.statements.indexedAt.get(watermark) as Record<string, string> | undefined;
    const source = this.statements.sourceAt.get(watermark) as Record<string, string> | undefined;
    return (
      !!indexed &&
      !!source &&
      indexed['tenant_id'] === source['tenant_id'] &&
      indexed['chat_id'] === source['chat_id'] &&
      indexed['message_id'] === source['message_id'] &&
      indexed['version_key'] === source['version_key']
    );
  }

  /**
   * Re-reads every version once: entries take the rowid their version has now, and versions the
   * index lacks are indexed. Slow (a pass over the table), and only ever needed after a renumbering.
   */
  private reconcile(): number {
    this.db.exec(`UPDATE recovery_indexed SET source_rowid = COALESCE((
        SELECT mv.rowid FROM message_versions mv
        WHERE mv.tenant_id = recovery_indexed.tenant_id AND mv.chat_id = recovery_indexed.chat_id
          AND mv.message_id = recovery_indexed.message_id AND mv.version_key = recovery_indexed.version_key), -1)`);
    const gone = this.db
      .prepare('SELECT entry_id FROM recovery_indexed WHERE source_rowid = -1')
      .pluck()
      .all();
    for (const entry of gone as number[]) this.removeEntry(entry);
    const missing = this.db
      .prepare(
        `SELECT rowid, tenant_id, chat_id, message_id, version_key, created, from_user_id, message, hosted_contents
         FROM message_versions mv WHERE NOT EXISTS (
           SELECT 1 FROM recovery_indexed r WHERE r.tenant_id = mv.tenant_id AND r.chat_id = mv.chat_id
             AND r.message_id = mv.message_id AND r.version_key = mv.version_key)`,
      )
      .all() as SourceRow[];
    for (const row of missing) this.indexRow(row);
    return (this.statements.watermark.get() as number | null) ?? 0;
  }

  private indexRow(row: SourceRow): void {
    const inserted = this.statements.insertIndexed.run(
      row.rowid,
      row.tenant_id,
      row.chat_id,
      row.message_id,
      row.version_key,
      row.created,
      createdMillis(row.created, row.message_id),
      row.from_user_id,
    );
    if (inserted.changes === 0) {
      // Indexed already (a reconcile found it under another rowid): only the rowid moves.
      this.statements.moveIndexed.run(row.rowid, row.tenant_id, row.chat_id, row.message_id, row.version_key);
      return;
    }
    const entryId = Number(inserted.lastInsertRowid);
    const message = JSON.parse(row.message) as Record<string, unknown>;
    const createdMs = createdMillis(row.created, row.message_id);
    const scope = [
      scopeToken('tenant', row.tenant_id),
      scopeToken('chat', row.chat_id),
      monthToken(monthIndex(createdMs)),
    ];
    if (row.from_user_id) scope.push(scopeToken('user', row.from_user_id));
    this.statements.insertSearch.run(entryId, searchableText(message), scope.join(' '));
    for (const hosted of JSON.parse(row.hosted_contents) as HostedContentRef[]) {
      this.statements.insertRef.run(entryId, row.tenant_id, hosted.sha256);
    }
  }

  private removeEntry(entryId: number): void {
    this.statements.deleteSearch.run(entryId);
    this.statements.deleteRefs.run(entryId);
    this.statements.deleteIndexed.run(entryId);
  }

  /**
   * One FTS5 `MATCH` joined to `recovery_indexed` for ids, filters and order. The join is a CROSS
   * JOIN because SQLite honours its order: left to itself, the planner may walk a creation range of
   * `recovery_indexed` and run the full-text match once per row (seconds instead of milliseconds,
   * seen at a million messages). A word in a large
   * share of the messages matches so many versions that ordering all of them would dominate, so
   * above `BUCKETED_ABOVE` matches the search walks the months newest first (each version's scope
   * names its creation month) and stops once the page is full.
   */
  async searchMessages(tenantId: string, query: SearchQuery): Promise<Page<SearchMatch>> {
    const limit = pageLimit(query.limit);
    if (query.terms.length === 0) {
      throw new BackupStoreError('invalid_argument', 'A search needs at least one word.');
    }
    const bounds = createdBounds(query);
    const words = query.terms.map(
      (term, i) => `"${term.replace(/"/g, '""')}"${query.prefix && i === query.terms.length - 1 ? ' *' : ''}`,
    );
    // The tenant's token narrows the match only where the file holds other tenants too: a token
    // every version carries costs the match a step per hit (a tenth of the query, seen at 200,000
    // messages) and narrows nothing. The tenant is checked by id below either way.
    const shared = this.statements.otherTenant.get({ tenant: tenantId }) !== undefined;
    const scope = shared ? [scopeToken('tenant', tenantId)] : [];
    if (query.chatId !== undefined) scope.push(scopeToken('chat', query.chatId));
    if (query.fromUserId !== undefined) scope.push(scopeToken('user', query.fromUserId));
    const body = `body : (${words.join(' AND ')})`;
    const matchOf = (tokens: string[]) =>
      tokens.length === 0 ? body : `scope : (${tokens.map((t) => `"${t}"`).join(' AND ')}) AND ${body}`;

    // The ids are checked as well as the scope tokens: a token is a truncated hash.
    const conditions = ['recovery_search MATCH ?', 'r.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (query.chatId !== undefined) {
      conditions.push('r.chat_id = ?');
      params.push(query.chatId);
    }
    if (query.fromUserId !== undefined) {
      conditions.push('r.from_user_id = ?');
      params.push(query.fromUserId);
    }
    if (bounds.createdFromMs !== undefined) {
      conditions.push('r.created_ms >= ?');
      params.push(bounds.createdFromMs);
    }
    if (bounds.createdBeforeMs !== undefined) {
      conditions.push('r.created_ms < ?');
      params.push(bounds.createdBeforeMs);
    }
    let cursorMs: number | undefined;
    if (query.cursor !== undefined) {
      const [ms, chatId, messageId] = decodeKeyCursor(query.cursor, 3) as [string, string, string];
      cursorMs = Number(ms);
      conditions.push('(r.created_ms, r.chat_id, r.message_id) < (?, ?, ?)');
      params.push(cursorMs, chatId, messageId);
    }
    const statement = this.statement(
      `SELECT r.chat_id, r.message_id, MAX(r.created) AS created, MAX(r.created_ms) AS created_ms,
              MAX(r.from_user_id) AS from_user_id, group_concat(r.version_key, char(31)) AS keys
       FROM recovery_search CROSS JOIN recovery_indexed r ON r.entry_id = recovery_search.rowid
       WHERE ${conditions.join(' AND ')}
       GROUP BY r.chat_id, r.message_id
       ORDER BY created_ms DESC, r.chat_id DESC, r.message_id DESC
       LIMIT ?`,
    );
    const run = (tokens: string[], want: number) =>
      statement.all(matchOf(tokens), ...params, want) as MatchRow[];

    let rows: MatchRow[];
    const matches = this.statements.countMatches.get(matchOf(scope), this.bucketedAbove + 1) as number;
    if (matches <= this.bucketedAbove) {
      rows = run(scope, limit + 1);
    } else {
      rows = [];
      const span = this.statements.createdSpan.get(tenantId) as { first: number | null; last: number | null };
      const upper = Math.min(span.last ?? 0, cursorMs ?? Infinity, (bounds.createdBeforeMs ?? Infinity) - 1);
      const lower = Math.max(span.first ?? 0, bounds.createdFromMs ?? -Infinity);
      for (let month = monthIndex(upper); month >= monthIndex(lower) && rows.length <= limit; month--) {
        rows.push(...run([...scope, monthToken(month)], limit + 1 - rows.length));
      }
    }
    const items = rows.slice(0, limit).map((row) => ({
      chatId: row.chat_id,
      messageId: row.message_id,
      createdDateTime: row.created,
      fromUserId: row.from_user_id,
      versionKeys: row.keys.split(UNIT_SEPARATOR).sort(),
    }));
    if (rows.length <= limit) return { items };
    const last = rows[limit - 1]!;
    return { items, next: encodeKeyCursor([String(last.created_ms), last.chat_id, last.message_id]) };
  }

  async getRetentionPolicy(tenantId: string): Promise<RetentionPolicy | undefined> {
    const doc = this.statements.getPolicy.get(tenantId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as RetentionPolicy);
  }

  async putRetentionPolicy(policy: RetentionPolicy): Promise<void> {
    this.statements.putPolicy.run(policy.tenantId, JSON.stringify(policy));
  }

  async findMessagesFrom(tenantId: string, userId: string, limit: number): Promise<MessageRef[]> {
    return toRefs(this.statements.fromUser.all(tenantId, userId, pageLimit(limit)) as [string, string][]);
  }

  async findMessagesCreatedBefore(tenantId: string, before: string, limit: number): Promise<MessageRef[]> {
    const ms = Date.parse(storeTime(before, 'before'));
    return toRefs(this.statements.createdBefore.all(tenantId, ms, pageLimit(limit)) as [string, string][]);
  }

  async deleteMessages(tenantId: string, refs: MessageRef[]): Promise<DeletedMessages> {
    return this.deleteBatch(tenantId, refs, new Date().toISOString());
  }

  /** One transaction: the sweep is recorded exactly when the versions it covers are gone. */
  private deleteBatchNow(tenantId: string, refs: MessageRef[], now: string): DeletedMessages {
    const hashes = new Set<string>();
    let messages = 0;
    let versions = 0;
    for (const { chatId, messageId } of refs) {
      for (const hosted of this.statements.hostedOf.all(tenantId, chatId, messageId) as string[]) {
        for (const ref of JSON.parse(hosted) as HostedContentRef[]) hashes.add(ref.sha256);
      }
      for (const entry of this.statements.entriesOf.all(tenantId, chatId, messageId) as number[]) {
        this.removeEntry(entry);
      }
      versions += this.statements.deleteVersions.run(tenantId, chatId, messageId).changes;
      messages += this.statements.deleteHead.run(tenantId, chatId, messageId).changes;
    }
    if (hashes.size === 0) return { messages, versions };
    const sweepId = newSweepId(now);
    this.statements.putSweep.run(tenantId, sweepId, now, JSON.stringify([...hashes].sort()));
    return { messages, versions, sweepId };
  }

  async isBlobReferenced(tenantId: string, sha256: string): Promise<boolean> {
    return this.statements.referenced.get(tenantId, sha256) !== undefined;
  }

  async listBlobSweeps(tenantId: string): Promise<BlobSweep[]> {
    return (this.statements.listSweeps.all(tenantId) as [string, string, string][]).map(
      ([sweepId, createdAt, hashes]) => ({
        tenantId,
        sweepId,
        createdAt,
        hashes: JSON.parse(hashes) as string[],
      }),
    );
  }

  async deleteBlobSweep(tenantId: string, sweepId: string): Promise<void> {
    this.statements.deleteSweep.run(tenantId, sweepId);
  }

  async eraseUserRecords(tenantId: string, userId: string): Promise<UserRecordsErased> {
    return this.eraseUser(tenantId, userId);
  }

  private eraseUserNow(tenantId: string, userId: string): UserRecordsErased {
    const directory = this.statements.deleteUser.run(tenantId, userId).changes > 0;
    const chats = this.statements.membershipsOf.all(tenantId, userId) as string[];
    const memberships = this.statements.deleteMemberships.run(tenantId, userId).changes;
    let chatListings = 0;
    for (const chatId of chats) {
      const doc = this.statements.getChat.get(tenantId, chatId) as string | undefined;
      if (doc === undefined) continue;
      const changed = withoutListedMember(JSON.parse(doc) as Record<string, unknown>, userId);
      if (!changed) continue;
      this.statements.putChatDoc.run(JSON.stringify(changed), tenantId, chatId);
      chatListings++;
    }
    let pinned = 0;
    for (const [chatId, doc] of this.statements.pinnedOf.all(tenantId) as [string, string][]) {
      const entries = JSON.parse(doc) as { raw: Record<string, unknown> }[];
      const kept = entries.filter((entry) => pinnedSender(entry.raw) !== userId);
      if (kept.length === entries.length) continue;
      pinned += entries.length - kept.length;
      this.statements.putPinnedDoc.run(JSON.stringify(kept), tenantId, chatId);
    }
    return { directory, memberships, chatListings, pinned };
  }

  /** Statements whose text depends on which filters a call uses, prepared once per shape. */
  private statement(sql: string): Database.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}

export interface SqliteRecoveryStoreOptions {
  /** Matching versions above which a search walks month by month (tests lower it). */
  bucketedAbove?: number;
}

export function createSqliteRecoveryStore(
  db: Database.Database,
  options: SqliteRecoveryStoreOptions = {},
): RecoveryStore {
  return new SqliteRecoveryStore(db, options);
}

function toRefs(rows: [string, string][]): MessageRef[] {
  return rows.map(([chatId, messageId]) => ({ chatId, messageId }));
}
