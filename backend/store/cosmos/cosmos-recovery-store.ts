import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type {
  ChatRecord,
  HostedContentRef,
  Page,
  PinnedSnapshot,
  StoredMessageVersion,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import {
  createdBounds,
  createdMillis,
  historyWithin,
  pageOfHistories,
  storeTime,
  withinBounds,
} from '../message-history';
import { messageVersionId } from '../message-heads';
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
import type { RecoveryStore } from '../recovery-store';
import { distinctTerms, searchableText } from '../search-text';
import { newSweepId, pinnedSender, withoutListedMember } from '../recovery-edits';
import {
  createDoc,
  deleteDoc,
  docId,
  forEachLimited,
  queryAll,
  readDoc,
  updateDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';
import { messagePartition } from './cosmos-message-store';
import type { CosmosRecoveryContainers, CosmosSearchMode } from './cosmos-recovery-containers';

type VersionDoc = Doc &
  Omit<StoredMessageVersion, 'versionId'> & { pk: string; type: 'version'; _ts?: number };

/** One indexed message version in the `search` container. */
interface SearchDoc extends Doc {
  type: 'search';
  pk: string;
  tenantId: string;
  chatId: string;
  messageId: string;
  versionKey: string;
  versionId: string;
  createdDateTime: string;
  createdMs: number;
  fromUserId: string | null;
  capturedAt: string;
  /** The version's `_ts`: the index step's progress is counted in these. */
  versionTs: number;
  /** Folded, distinct (`distinctTerms`). */
  terms: string[];
  /** The searchable text, for full-text search; only written where the account offers it. */
  text?: string;
  /** Hashes of the hosted contents the version references. */
  blobs: string[];
}

interface IndexStateDoc extends Doc {
  type: 'recovery-index';
  tenantId: string;
  /** Every version whose `_ts` is at or below this was indexed when it was written. */
  indexedTs: number;
}

type PolicyDoc = Doc & RetentionPolicy & { type: 'retention-policy' };
type SweepDoc = Doc & BlobSweep & { type: 'blob-sweep' };
type ChatDoc = Doc & ChatRecord & { type: 'chat' };
type PinnedDoc = Doc & PinnedSnapshot & { type: 'pinned' };

const INDEX_STATE_ID = 'recovery-index';
const POLICY_ID = 'retention-policy';
/**
 * `_ts` is the second a document was last written, set by the service. A write another process
 * was making while the index step read may carry a `_ts` just below what the step saw (and a
 * replica may show it a moment late), so each step reads again from half a minute before its
 * watermark, skipping what it finds indexed already.
 */
const OVERLAP_SECONDS = 30;
const PAGE = 200;
const CONCURRENCY = 16;

const searchDocId = (messageId: string, versionKey: string) => docId('s', messageId, versionKey);
const versionDocId = (messageId: string, versionKey: string) => docId('v', messageId, versionKey);
const headDocId = (messageId: string) => docId('h', messageId);

/**
 * The recovery store on Cosmos DB. Transcripts are single-partition queries of a chat's partition in
 * `messages`, ordered by `messageId` (one indexed property, so no composite index is needed in
 * either direction). Search documents live in `search`, fed by `updateSearchIndex` from the
 * versions' `_ts` order (docs/recovery.md); the other records sit in the tenant's partition of
 * `tenant`.
 */
export class CosmosRecoveryStore implements RecoveryStore {
  private readonly tenant: Container;
  private readonly messages: Container;
  private readonly search: Container;
  private readonly mode: CosmosSearchMode;

  constructor(containers: CosmosRecoveryContainers) {
    this.tenant = containers.tenant;
    this.messages = containers.messages;
    this.search = containers.search;
    this.mode = containers.searchMode;
  }

  async readChatMessages(
    tenantId: string,
    chatId: string,
    query: ChatMessagesQuery,
  ): Promise<ChatMessagesPage> {
    const limit = pageLimit(query.limit);
    const pk = messagePartition(tenantId, chatId);
    const at = query.at === undefined ? undefined : storeTime(query.at, 'at');
    const bounds = { ...createdBounds(query), ...(at === undefined ? {} : { at }) };
    const ascending = query.order === 'oldest-first';
    const conditions = ['c.tenantId = @t', 'c.pk = @pk', "c.type = 'version'"];
    const parameters: SqlParameter[] = [
      { name: '@t', value: tenantId },
      { name: '@pk', value: pk },
    ];
    if (query.from !== undefined) {
      conditions.push(ascending ? 'c.messageId > @from' : 'c.messageId < @from');
      parameters.push({ name: '@from', value: query.from });
    }
    if (at !== undefined) {
      conditions.push('c.capturedAt <= @at');
      parameters.push({ name: '@at', value: at });
    }
    // Graph writes creation times with and without fractions of a second, so text order is exact
    // only to the second: the query narrows by the second, the exact bounds are applied below.
    if (bounds.createdFromMs !== undefined) {
      conditions.push('c.createdDateTime >= @createdFrom');
      parameters.push({ name: '@createdFrom', value: toSecond(bounds.createdFromMs) });
    }
    if (bounds.createdBeforeMs !== undefined) {
      conditions.push('c.createdDateTime < @createdBefore');
      parameters.push({ name: '@createdBefore', value: toSecond(bounds.createdBeforeMs + 999) });
    }
    const iterator = this.messages.items.query<VersionDoc>(
      {
        query: `SELECT * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.messageId ${ascending ? 'ASC' : 'DESC'}`,
        parameters,
      },
      { partitionKey: pk, maxItemCount: Math.min(1000, limit * 2 + 10) },
    );
    // Versions of one message are adjacent in messageId order: once the message after the page's
    // last one appears, every message of the page is complete.
    const versions: StoredMessageVersion[] = [];
    const ids = new Set<string>();
    let more = false;
    while (iterator.hasMoreResults() && !more) {
      const { resources } = await iterator.fetchNext();
      for (const doc of resources) {
        const version = toStoredVersion(doc);
        if (!withinBounds(version, bounds)) continue;
        if (!ids.has(version.messageId)) {
          if (ids.size === limit) {
            more = true;
            break;
          }
          ids.add(version.messageId);
        }
        versions.push(version);
      }
    }
    return { messages: pageOfHistories(tenantId, chatId, versions, ascending), more };
  }

  async readMessage(
    tenantId: string,
    chatId: string,
    messageId: string,
    at?: string,
  ): Promise<MessageHistory | undefined> {
    const bound = at === undefined ? {} : { at: storeTime(at, 'at') };
    const pk = messagePartition(tenantId, chatId);
    const docs = await queryAll<VersionDoc>(
      this.messages,
      {
        query:
          "SELECT * FROM c WHERE c.tenantId = @t AND c.pk = @pk AND c.type = 'version' AND c.messageId = @m",
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@pk', value: pk },
          { name: '@m', value: messageId },
        ],
      },
      pk,
    );
    return historyWithin(tenantId, chatId, docs.map(toStoredVersion), bound);
  }

  /**
   * Reads the tenant's versions written since a little before the watermark (by `_ts`, across its
   * chats' partitions), and creates a search document for each one not indexed yet. Creating is
   * idempotent (a fixed id per version; 409 means done), so concurrent steps only duplicate effort,
   * and the watermark is moved forward after each page, so a step cut off resumes where it was.
   */
  async updateSearchIndex(tenantId: string): Promise<{ indexed: number }> {
    const state = await readDoc<IndexStateDoc>(this.tenant, INDEX_STATE_ID, tenantId);
    // Without a watermark the step starts from the first version and reads them whole: creating
    // is the check then. With one, it reads only the ids of the window and fetches the versions
    // the index lacks, so re-reading the overlap costs little however busy the backup was.
    const caughtUp = state !== undefined;
    const from = Math.max(0, (state?.indexedTs ?? 0) - OVERLAP_SECONDS);
    const known = new Set(
      caughtUp
        ? await queryAll<string>(this.search, {
            query:
              "SELECT VALUE c.versionId FROM c WHERE c.tenantId = @t AND c.type = 'search' AND c.versionTs >= @from",
            parameters: [
              { name: '@t', value: tenantId },
              { name: '@from', value: from },
            ],
          })
        : [],
    );
    const iterator = this.messages.items.query<VersionDoc>(
      {
        query: `SELECT ${caughtUp ? 'c.id, c.pk, c.chatId, c.messageId, c.versionKey, c._ts' : '*'} FROM c
                WHERE c.tenantId = @t AND c.type = 'version' AND c._ts >= @from ORDER BY c._ts`,
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@from', value: from },
        ],
      },
      { maxItemCount: PAGE },
    );
    let indexed = 0;
    let highest = state?.indexedTs ?? 0;
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      const fresh = resources.filter((doc) => !known.has(indexedVersionId(doc)));
      const created = await forEachLimited(fresh, CONCURRENCY, async (row) => {
        const doc = caughtUp ? await readDoc<VersionDoc>(this.messages, row.id, row.pk) : row;
        return doc ? createDoc(this.search, this.searchDoc(doc)) : undefined;
      });
      indexed += created.filter((etag) => etag !== undefined).length;
      for (const doc of resources) highest = Math.max(highest, doc._ts ?? 0);
      if (resources.length > 0) await this.advanceIndex(tenantId, highest);
    }
    return { indexed };
  }

  private searchDoc(doc: VersionDoc): SearchDoc {
    const text = searchableText(doc.message);
    return {
      id: searchDocId(doc.messageId, doc.versionKey),
      type: 'search',
      pk: doc.pk,
      tenantId: doc.tenantId,
      chatId: doc.chatId,
      messageId: doc.messageId,
      versionKey: doc.versionKey,
      versionId: indexedVersionId(doc),
      createdDateTime: doc.createdDateTime,
      createdMs: createdMillis(doc.createdDateTime, doc.messageId),
      fromUserId: doc.fromUserId,
      capturedAt: doc.capturedAt,
      versionTs: doc._ts ?? 0,
      terms: distinctTerms(text),
      ...(this.mode === 'full-text' ? { text } : {}),
      blobs: [...new Set(doc.hostedContents.map((h) => h.sha256))],
    };
  }

  private async advanceIndex(tenantId: string, indexedTs: number): Promise<void> {
    await updateDoc<IndexStateDoc>(this.tenant, INDEX_STATE_ID, tenantId, (current) =>
      current && current.indexedTs >= indexedTs
        ? undefined
        : { ...current, id: INDEX_STATE_ID, type: 'recovery-index', tenantId, indexedTs },
    );
  }

  async searchMessages(tenantId: string, query: SearchQuery): Promise<Page<SearchMatch>> {
    const limit = pageLimit(query.limit);
    const spec = searchQuerySpec(tenantId, query, this.mode);
    const partitionKey = query.chatId === undefined ? undefined : messagePartition(tenantId, query.chatId);
    const iterator = this.search.items.query<SearchRow>(spec, {
      maxItemCount: Math.min(1000, limit * 2 + 10),
      ...(partitionKey === undefined ? {} : { partitionKey }),
    });
    // Rows are versions; a message's matching versions are adjacent in the order of the query.
    const matches: SearchMatch[] = [];
    let more = false;
    while (iterator.hasMoreResults() && !more) {
      const { resources } = await iterator.fetchNext();
      for (const row of resources) {
        const last = matches[matches.length - 1];
        if (last && last.chatId === row.chatId && last.messageId === row.messageId) {
          last.versionKeys.push(row.versionKey);
          continue;
        }
        if (matches.length === limit) {
          more = true;
          break;
        }
        matches.push({
          chatId: row.chatId,
          messageId: row.messageId,
          createdDateTime: row.createdDateTime,
          fromUserId: row.fromUserId,
          versionKeys: [row.versionKey],
        });
      }
    }
    for (const match of matches) match.versionKeys.sort();
    if (!more) return { items: matches };
    const last = matches[matches.length - 1]!;
    const lastMs = createdMillis(last.createdDateTime, last.messageId);
    return { items: matches, next: encodeKeyCursor([String(lastMs), last.chatId, last.messageId]) };
  }

  async getRetentionPolicy(tenantId: string): Promise<RetentionPolicy | undefined> {
    const doc = await readDoc<PolicyDoc>(this.tenant, POLICY_ID, tenantId);
    return doc && withoutFields<RetentionPolicy>(doc, 'id', 'type');
  }

  async putRetentionPolicy(policy: RetentionPolicy): Promise<void> {
    await this.tenant.items.upsert({
      id: POLICY_ID,
      type: 'retention-policy',
      ...policy,
    } satisfies PolicyDoc);
  }

  /** Reads the versions themselves (their `fromUserId` is indexed), so a removal cut off half-way is found again. */
  async findMessagesFrom(tenantId: string, userId: string, limit: number): Promise<MessageRef[]> {
    return this.findMessages(tenantId, 'c.fromUserId = @v', userId, pageLimit(limit));
  }

  async findMessagesCreatedBefore(tenantId: string, before: string, limit: number): Promise<MessageRef[]> {
    // To the second, like the transcript's range: the seconds before the one `before` falls in.
    const second = toSecond(Date.parse(storeTime(before, 'before')));
    return this.findMessages(tenantId, 'c.createdDateTime < @v', second, pageLimit(limit));
  }

  private async findMessages(
    tenantId: string,
    condition: string,
    value: string,
    limit: number,
  ): Promise<MessageRef[]> {
    const iterator = this.messages.items.query<MessageRef>(
      {
        query: `SELECT c.chatId, c.messageId FROM c WHERE c.tenantId = @t AND c.type = 'version' AND ${condition}`,
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@v', value },
        ],
      },
      { maxItemCount: limit * 2 },
    );
    const found = new Map<string, MessageRef>();
    while (iterator.hasMoreResults() && found.size < limit) {
      const { resources } = await iterator.fetchNext();
      for (const ref of resources) {
        if (found.size === limit) break;
        found.set(`${ref.chatId}\u0000${ref.messageId}`, { chatId: ref.chatId, messageId: ref.messageId });
      }
    }
    return [...found.values()];
  }

  /**
   * Per message: its versions are read, the sweep of their hashes is recorded, then the head, the
   * search documents and last the versions are deleted. Whatever a crash leaves, versions remain
   * until the end, so the finders find the message again and a repeat finishes it.
   */
  async deleteMessages(tenantId: string, refs: MessageRef[]): Promise<DeletedMessages> {
    const plans = await forEachLimited(refs, CONCURRENCY, async (ref) => {
      const pk = messagePartition(tenantId, ref.chatId);
      const versions = await queryAll<{ versionKey: string; hostedContents: HostedContentRef[] }>(
        this.messages,
        {
          query:
            "SELECT c.versionKey, c.hostedContents FROM c WHERE c.tenantId = @t AND c.pk = @pk AND c.type = 'version' AND c.messageId = @m",
          parameters: [
            { name: '@t', value: tenantId },
            { name: '@pk', value: pk },
            { name: '@m', value: ref.messageId },
          ],
        },
        pk,
      );
      return { ref, pk, versions };
    });
    const hashes = new Set<string>();
    for (const plan of plans)
      for (const v of plan.versions) for (const h of v.hostedContents) hashes.add(h.sha256);
    let sweepId: string | undefined;
    if (hashes.size > 0) {
      const createdAt = new Date().toISOString();
      sweepId = newSweepId(createdAt);
      const sweep: SweepDoc = {
        id: docId('blob-sweep', sweepId),
        type: 'blob-sweep',
        tenantId,
        sweepId,
        createdAt,
        hashes: [...hashes].sort(),
      };
      await createDoc(this.tenant, sweep);
    }
    let messages = 0;
    let versions = 0;
    await forEachLimited(plans, CONCURRENCY, async ({ ref, pk, versions: list }) => {
      if (await deleteDoc(this.messages, headDocId(ref.messageId), pk)) messages++;
      for (const v of list) await deleteDoc(this.search, searchDocId(ref.messageId, v.versionKey), pk);
      for (const v of list)
        if (await deleteDoc(this.messages, versionDocId(ref.messageId, v.versionKey), pk)) versions++;
    });
    return sweepId === undefined ? { messages, versions } : { messages, versions, sweepId };
  }

  async isBlobReferenced(tenantId: string, sha256: string): Promise<boolean> {
    const found = await queryAll<string>(this.search, {
      query:
        "SELECT TOP 1 VALUE c.id FROM c WHERE c.tenantId = @t AND c.type = 'search' AND ARRAY_CONTAINS(c.blobs, @h)",
      parameters: [
        { name: '@t', value: tenantId },
        { name: '@h', value: sha256 },
      ],
    });
    return found.length > 0;
  }

  async listBlobSweeps(tenantId: string): Promise<BlobSweep[]> {
    const docs = await queryAll<SweepDoc>(
      this.tenant,
      {
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'blob-sweep' ORDER BY c.sweepId",
        parameters: [{ name: '@t', value: tenantId }],
      },
      tenantId,
    );
    return docs.map((doc) => withoutFields<BlobSweep>(doc, 'id', 'type'));
  }

  async deleteBlobSweep(tenantId: string, sweepId: string): Promise<void> {
    await deleteDoc(this.tenant, docId('blob-sweep', sweepId), tenantId);
  }

  async eraseUserRecords(tenantId: string, userId: string): Promise<UserRecordsErased> {
    const directory = await deleteDoc(this.tenant, docId('user', userId), tenantId);
    const memberships = await queryAll<{ id: string; chatId: string }>(
      this.tenant,
      {
        query: "SELECT c.id, c.chatId FROM c WHERE c.tenantId = @t AND c.type = 'member' AND c.userId = @u",
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@u', value: userId },
        ],
      },
      tenantId,
    );
    let chatListings = 0;
    await forEachLimited(memberships, CONCURRENCY, async ({ id, chatId }) => {
      const { written } = await updateDoc<ChatDoc>(this.tenant, docId('chat', chatId), tenantId, (current) =>
        current ? withoutListedMember(current, userId) : undefined,
      );
      if (written) chatListings++;
      await deleteDoc(this.tenant, id, tenantId);
    });
    const pinnedDocs = await queryAll<PinnedDoc>(
      this.tenant,
      {
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'pinned'",
        parameters: [{ name: '@t', value: tenantId }],
      },
      tenantId,
    );
    let pinned = 0;
    await forEachLimited(pinnedDocs, CONCURRENCY, async (doc) => {
      let removed = 0;
      await updateDoc<PinnedDoc>(this.tenant, doc.id, tenantId, (current) => {
        if (!current) return undefined;
        const kept = current.pinned.filter((p) => pinnedSender(p.raw) !== userId);
        removed = current.pinned.length - kept.length;
        return removed === 0 ? undefined : { ...current, pinned: kept };
      });
      pinned += removed;
    });
    return { directory, memberships: memberships.length, chatListings, pinned };
  }
}

interface SearchRow {
  chatId: string;
  messageId: string;
  createdDateTime: string;
  fromUserId: string | null;
  versionKey: string;
}

/** The query of a search, in the mode the account offers (exported for its tests). */
export function searchQuerySpec(tenantId: string, query: SearchQuery, mode: CosmosSearchMode): SqlQuerySpec {
  if (query.terms.length === 0)
    throw new BackupStoreError('invalid_argument', 'A search needs at least one word.');
  const conditions = ['c.tenantId = @t', "c.type = 'search'"];
  const parameters: SqlParameter[] = [{ name: '@t', value: tenantId }];
  const whole = query.prefix ? query.terms.slice(0, -1) : query.terms;
  if (whole.length > 0) {
    const names = whole.map((_, i) => `@w${i}`);
    whole.forEach((term, i) => parameters.push({ name: names[i]!, value: term }));
    conditions.push(
      mode === 'full-text'
        ? `FullTextContainsAll(c.text, ${names.join(', ')})`
        : names.map((name) => `ARRAY_CONTAINS(c.terms, ${name})`).join(' AND '),
    );
  }
  if (query.prefix) {
    // Full-text search matches whole (stemmed) words; a beginning is looked for among the terms.
    parameters.push({ name: '@p', value: query.terms[query.terms.length - 1]! });
    conditions.push('EXISTS(SELECT VALUE term FROM term IN c.terms WHERE STARTSWITH(term, @p))');
  }
  if (query.chatId !== undefined) {
    conditions.push('c.chatId = @c');
    parameters.push({ name: '@c', value: query.chatId });
  }
  if (query.fromUserId !== undefined) {
    conditions.push('c.fromUserId = @u');
    parameters.push({ name: '@u', value: query.fromUserId });
  }
  const bounds = createdBounds(query);
  if (bounds.createdFromMs !== undefined) {
    conditions.push('c.createdMs >= @from');
    parameters.push({ name: '@from', value: bounds.createdFromMs });
  }
  if (bounds.createdBeforeMs !== undefined) {
    conditions.push('c.createdMs < @before');
    parameters.push({ name: '@before', value: bounds.createdBeforeMs });
  }
  if (query.cursor !== undefined) {
    const [ms, chatId, messageId] = decodeKeyCursor(query.cursor, 3) as [string, string, string];
    conditions.push(
      '(c.createdMs < @cms OR (c.createdMs = @cms AND (c.chatId < @cchat OR (c.chatId = @cchat AND c.messageId < @cmsg))))',
    );
    parameters.push(
      { name: '@cms', value: Number(ms) },
      { name: '@cchat', value: chatId },
      { name: '@cmsg', value: messageId },
    );
  }
  return {
    query: `SELECT c.chatId, c.messageId, c.createdDateTime, c.fromUserId, c.versionKey FROM c
            WHERE ${conditions.join(' AND ')}
            ORDER BY c.createdMs DESC, c.chatId DESC, c.messageId DESC`,
    parameters,
  };
}

export function createCosmosRecoveryStore(containers: CosmosRecoveryContainers): RecoveryStore {
  return new CosmosRecoveryStore(containers);
}

/** `YYYY-MM-DDTHH:MM:SS` of an instant: every Graph timestamp within that second sorts at or after it. */
function toSecond(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `messageVersionId` from the key the version document stores (the window's rows carry no etag). */
function indexedVersionId(doc: Pick<VersionDoc, 'chatId' | 'messageId' | 'versionKey'>): string {
  return `${doc.chatId}|${doc.messageId}|${doc.versionKey}`;
}

function toStoredVersion(doc: VersionDoc): StoredMessageVersion {
  const version = withoutFields<Omit<StoredMessageVersion, 'versionId'>>(doc, 'id', 'pk', 'type');
  return { ...version, versionId: messageVersionId(version) };
}
