import type { Container } from '@azure/cosmos';
import type {
  MessageCounts,
  MessageHead,
  MessageVersion,
  PutVersionsResult,
  StoredMessageVersion,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { MessageStore } from '../backup-store';
import {
  countMerge,
  emptyPutResult,
  groupVersions,
  mergeHead,
  messageVersionId,
  messageVersionKey,
} from '../message-heads';
import { pageLimit } from '../paging';
import {
  createDoc,
  docId,
  forEachLimited,
  queryAll,
  queryCount,
  readDoc,
  replaceDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';

type VersionDoc = Doc & Omit<StoredMessageVersion, 'versionId'> & { pk: string; type: 'version' };
type HeadDoc = Doc & MessageHead & { pk: string; type: 'head' };

/** Requests in flight per batch: enough to hide round trips, few enough not to flood one partition. */
const CONCURRENCY = 16;
const HEAD_IDS_PER_QUERY = 100;
const MAX_HEAD_ATTEMPTS = 8;

/** A chat's partition in the `messages` container. */
export function messagePartition(tenantId: string, chatId: string): string {
  return `${tenantId}|${chatId}`;
}

const versionDocId = (messageId: string, versionKey: string) => docId('v', messageId, versionKey);
const headDocId = (messageId: string) => docId('h', messageId);

/**
 * Message versions in Cosmos DB, one logical partition per chat. Without a transaction spanning
 * documents (the test server has no transactional batch), a batch is written in an order that
 * makes any prefix of it harmless: every version is created (never replaced) before any head that
 * lists it, and a head is only replaced through its ETag by the merge of what it held and what the
 * batch adds. A head therefore never names a version that is not stored, and writing the batch
 * again completes whatever the interrupted write left out.
 */
export class CosmosMessageStore implements MessageStore {
  constructor(
    private readonly container: Container,
    /** Test seam: called before every document write; throwing fails the write like a crash. */
    private readonly beforeWrite: () => void = () => {},
  ) {}

  async putMessageVersions(tenantId: string, versions: MessageVersion[]): Promise<PutVersionsResult> {
    const result = emptyPutResult();
    const chats = [...groupVersions(versions)];
    await forEachLimited(chats, 4, ([chatId, messages]) => this.putChat(tenantId, chatId, messages, result));
    return result;
  }

  async getMessageHeads(
    tenantId: string,
    chatId: string,
    messageIds: string[],
  ): Promise<Map<string, MessageHead>> {
    const docs = await this.readHeads(tenantId, chatId, messageIds);
    return new Map([...docs].map(([id, doc]) => [id, toHead(doc)]));
  }

  async *iterateVersions(
    tenantId: string,
    options: { chatId?: string; pageSize?: number } = {},
  ): AsyncIterable<StoredMessageVersion> {
    const maxItemCount = pageLimit(options.pageSize ?? 500);
    const pk = options.chatId === undefined ? undefined : messagePartition(tenantId, options.chatId);
    const parameters = [{ name: '@t', value: tenantId }];
    if (pk !== undefined) parameters.push({ name: '@pk', value: pk });
    // Ordered by the composite index (chatId, messageId, capturedAt, versionKey) of the container;
    // across partitions the SDK merges the partitions' ordered streams.
    const iterator = this.container.items.query<VersionDoc>(
      {
        query: `SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'version'${pk === undefined ? '' : ' AND c.pk = @pk'}
                ORDER BY c.chatId, c.messageId, c.capturedAt, c.versionKey`,
        parameters,
      },
      { maxItemCount, ...(pk === undefined ? {} : { partitionKey: pk }) },
    );
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const doc of resources) yield toStoredVersion(doc);
    }
  }

  async countMessages(tenantId: string, options: { chatId?: string } = {}): Promise<MessageCounts> {
    const pk = options.chatId === undefined ? undefined : messagePartition(tenantId, options.chatId);
    const scope = `c.tenantId = @t${pk === undefined ? '' : ' AND c.pk = @pk'}`;
    const parameters = [{ name: '@t', value: tenantId }];
    if (pk !== undefined) parameters.push({ name: '@pk', value: pk });
    const count = (where: string) =>
      queryCount(
        this.container,
        { query: `SELECT VALUE COUNT(1) FROM c WHERE ${scope} AND ${where}`, parameters },
        pk,
      );
    const [messages, versions, deleted] = await Promise.all([
      count("c.type = 'head'"),
      count("c.type = 'version'"),
      count("c.type = 'head' AND c.deleted = true"),
    ]);
    return { messages, versions, deleted };
  }

  private async putChat(
    tenantId: string,
    chatId: string,
    messages: Map<string, MessageVersion[]>,
    result: PutVersionsResult,
  ): Promise<void> {
    const pk = messagePartition(tenantId, chatId);
    const heads = await this.readHeads(tenantId, chatId, [...messages.keys()]);
    const plans = [...messages].map(([messageId, list]) => {
      const previous = heads.get(messageId);
      const merge = mergeHead(tenantId, previous && toHead(previous), list);
      countMerge(result, previous && toHead(previous), merge);
      return { messageId, previous, merge };
    });

    // Versions first. A version that exists already (written by an interrupted attempt) is kept as
    // it was stored, and the head is built from that stored copy.
    const toCreate = plans.flatMap((plan) => plan.merge.added.map((version) => ({ plan, version })));
    const stored = await forEachLimited(toCreate, CONCURRENCY, ({ version }) =>
      this.createVersion(tenantId, pk, version),
    );
    const effective = new Map<string, MessageVersion[]>();
    toCreate.forEach(({ plan }, i) => {
      const list = effective.get(plan.messageId) ?? [];
      list.push(stored[i]!);
      effective.set(plan.messageId, list);
    });

    // Heads last, once all of the chat's versions are durable.
    await forEachLimited(
      plans.filter((plan) => plan.merge.added.length > 0),
      CONCURRENCY,
      (plan) => this.writeHead(tenantId, pk, plan.messageId, plan.previous, effective.get(plan.messageId)!),
    );
  }

  private async createVersion(
    tenantId: string,
    pk: string,
    version: MessageVersion,
  ): Promise<MessageVersion> {
    const versionKey = messageVersionKey(version);
    const doc: VersionDoc = {
      id: versionDocId(version.messageId, versionKey),
      pk,
      type: 'version',
      tenantId,
      versionKey,
      ...version,
    };
    this.beforeWrite();
    if ((await createDoc(this.container, doc)) !== undefined) return version;
    const existing = await readDoc<VersionDoc>(this.container, doc.id, pk);
    if (!existing)
      throw new BackupStoreError('contention', `Version ${doc.id} was reported to exist but cannot be read.`);
    return toStoredVersion(existing);
  }

  private async writeHead(
    tenantId: string,
    pk: string,
    messageId: string,
    previous: HeadDoc | undefined,
    versions: MessageVersion[],
  ): Promise<void> {
    let current = previous;
    for (let attempt = 0; attempt < MAX_HEAD_ATTEMPTS; attempt++) {
      const merge = mergeHead(tenantId, current && toHead(current), versions);
      // Another writer already merged these versions in.
      if (current && merge.added.length === 0) return;
      const doc: HeadDoc = { id: headDocId(messageId), pk, type: 'head', ...merge.head };
      this.beforeWrite();
      const etag = current
        ? await replaceDoc(this.container, doc, pk, current._etag!)
        : await createDoc(this.container, doc);
      if (etag !== undefined) return;
      current = await readDoc<HeadDoc>(this.container, doc.id, pk);
    }
    throw new BackupStoreError(
      'contention',
      `The head of message ${messageId} kept changing; the batch can be written again.`,
    );
  }

  private async readHeads(
    tenantId: string,
    chatId: string,
    messageIds: string[],
  ): Promise<Map<string, HeadDoc>> {
    const pk = messagePartition(tenantId, chatId);
    const unique = [...new Set(messageIds)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += HEAD_IDS_PER_QUERY)
      chunks.push(unique.slice(i, i + HEAD_IDS_PER_QUERY));
    const heads = new Map<string, HeadDoc>();
    await forEachLimited(chunks, 4, async (chunk) => {
      // `id IN (…)` is served from the index of ids: one query per page of messages, costing
      // about as much as a few point reads.
      const names = chunk.map((_, i) => `@i${i}`);
      const docs = await queryAll<HeadDoc>(
        this.container,
        {
          query: `SELECT * FROM c WHERE c.pk = @pk AND c.type = 'head' AND c.id IN (${names.join(', ')})`,
          parameters: [
            { name: '@pk', value: pk },
            ...chunk.map((id, i) => ({ name: names[i]!, value: headDocId(id) })),
          ],
        },
        pk,
      );
      for (const doc of docs) heads.set(doc.messageId, doc);
    });
    return heads;
  }
}

function toHead(doc: HeadDoc): MessageHead {
  return withoutFields<MessageHead>(doc, 'id', 'pk', 'type');
}

function toStoredVersion(doc: VersionDoc): StoredMessageVersion {
  const version = withoutFields<Omit<StoredMessageVersion, 'versionId'>>(doc, 'id', 'pk', 'type');
  return { ...version, versionId: messageVersionId(version) };
}
