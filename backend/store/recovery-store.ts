import type { Page } from './backup-records';
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
} from './recovery-records';

/**
 * The reads recovery needs over what the backup stored (transcripts, point in time, search) and
 * the few writes only recovery makes: the retention policy, and the removal of messages and of a
 * user's records for retention and erasure. Adapters: SQLite and Cosmos DB; one contract suite
 * (recovery-store.contract.ts) runs against both. Layout and search per store: docs/recovery.md.
 *
 * Rules every adapter keeps, as the backup store does: every method takes the tenant first and
 * reads or changes only that tenant's records; the backup's own write path is unchanged (the search
 * index is fed by an explicit step, `updateSearchIndex`, never by the backup's writes).
 */
export interface RecoveryStore {
  /** A page of a chat's messages, each with its versions (those captured by `at` when given). */
  readChatMessages(tenantId: string, chatId: string, query: ChatMessagesQuery): Promise<ChatMessagesPage>;
  /** One message with its versions (captured by `at` when given); undefined when there is none. */
  readMessage(
    tenantId: string,
    chatId: string,
    messageId: string,
    at?: string,
  ): Promise<MessageHistory | undefined>;

  /**
   * Brings the tenant's search index up to date with the versions stored so far and resolves how
   * many versions it added. Idempotent, safe to run from several processes at once; searches call
   * it first, so a search sees every version stored before it began.
   */
  updateSearchIndex(tenantId: string): Promise<{ indexed: number }>;
  /** Messages one of whose indexed versions holds every term, newest first. */
  searchMessages(tenantId: string, query: SearchQuery): Promise<Page<SearchMatch>>;

  getRetentionPolicy(tenantId: string): Promise<RetentionPolicy | undefined>;
  putRetentionPolicy(policy: RetentionPolicy): Promise<void>;

  /**
   * Up to `limit` messages one of whose versions the user sent. Served by the search index: run
   * `updateSearchIndex` first, while no backup writes (erasure holds the tenant's run lease).
   */
  findMessagesFrom(tenantId: string, userId: string, limit: number): Promise<MessageRef[]>;
  /** Up to `limit` messages created before `before`. */
  findMessagesCreatedBefore(tenantId: string, before: string, limit: number): Promise<MessageRef[]>;
  /**
   * Removes the messages whole: every version, the head, their search entries and blob
   * references. The hashes those versions referenced are first recorded as a blob sweep (resolved
   * as `sweepId`), so that a crash part-way loses no blob to delete; repeating the call after a
   * crash finishes it.
   */
  deleteMessages(tenantId: string, refs: MessageRef[]): Promise<DeletedMessages>;
  /** Whether any stored version of the tenant still references the blob (by the search index's references). */
  isBlobReferenced(tenantId: string, sha256: string): Promise<boolean>;
  listBlobSweeps(tenantId: string): Promise<BlobSweep[]>;
  deleteBlobSweep(tenantId: string, sweepId: string): Promise<void>;

  /**
   * Removes what the store keeps about the user besides their messages: the directory entry, their
   * member records and their entry in chats' Graph listings, and the pinned messages they sent.
   * (The backup's checkpoints about the user are the checkpoint store's: the service removes them.)
   */
  eraseUserRecords(tenantId: string, userId: string): Promise<UserRecordsErased>;
}
