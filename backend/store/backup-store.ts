import type {
  ChatInput,
  ChatMemberInput,
  ChatMemberRecord,
  ChatRecord,
  Checkpoint,
  DirectoryUser,
  DirectoryUserInput,
  Lease,
  MembersChange,
  MessageCounts,
  MessageHead,
  MessageVersion,
  Page,
  PageOptions,
  PinnedMessageInput,
  PinnedSnapshot,
  PutVersionsResult,
  RunOutcome,
  RunErrorInput,
  RunProgressUpdate,
  RunRecord,
  RunTrigger,
  StoredMessageVersion,
  UserBackupStatus,
  WorkItemClaim,
  WorkItemCounts,
} from './backup-records';

/**
 * Persistence of everything a backup writes: the directory, chats, message versions, checkpoints,
 * runs and the leases that share a run's work between processes. One port per capability; an
 * adapter implements them all as `BackupStore`.
 *
 * Rules every adapter keeps (contract: backup-store.contract.ts; layout: docs/storage.md):
 * - Every method takes the tenant first (or a lease/claim that carries it) and reads or changes
 *   only that tenant's records.
 * - Writes are idempotent and safe to repeat after a crash at any point: repeating a call, or a
 *   prefix of it followed by the whole call, ends in the state of one complete call.
 * - Nothing a backup captured is overwritten: a message version, once stored, never changes.
 * - Failures of the store's own rules are `BackupStoreError`s; failures of the medium pass through.
 */
export interface BackupStore
  extends DirectoryStore, ChatStore, MessageStore, CheckpointStore, RunStore, LeaseStore, WorkItemStore {}

/** Users discovered in the tenant's directory. */
export interface DirectoryStore {
  /**
   * Creates or updates users' identity and state; their backup status (`lastBackedUpAt`,
   * `lastError`) is kept as it was.
   */
  upsertUsers(tenantId: string, users: DirectoryUserInput[]): Promise<void>;
  /** Records the outcome of backing a user up. Fails with `not_found` for a user never upserted. */
  setUserBackupStatus(tenantId: string, userId: string, status: UserBackupStatus): Promise<void>;
  getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined>;
  /** By userId. */
  listUsers(tenantId: string, options?: PageOptions): Promise<Page<DirectoryUser>>;
}

/** Chats, their membership history, topic history and pinned messages. */
export interface ChatStore {
  /**
   * Creates or updates chats seen at `seenAt`. Metadata is replaced only by metadata at least as
   * recent (`lastUpdatedDateTime`), so a stale listing never rolls a chat back; a new topic is
   * appended to the topic history.
   */
  upsertChats(tenantId: string, chats: ChatInput[], seenAt: string): Promise<void>;
  getChat(tenantId: string, chatId: string): Promise<ChatRecord | undefined>;
  /**
   * By chatId. With `memberUserId`, only chats that user is or ever was a member of (as recorded
   * by `recordMembers`), or with `currentOnly` is a member of now.
   */
  listChats(
    tenantId: string,
    options?: PageOptions & { memberUserId?: string; currentOnly?: boolean },
  ): Promise<Page<ChatRecord>>;
  /**
   * Applies a complete member list of the chat as seen at `seenAt`: members not yet present join,
   * present members missing from the list leave. A snapshot older than the newest one applied to
   * the chat changes nothing (`applied: false`); repeating a snapshot changes nothing.
   */
  recordMembers(
    tenantId: string,
    chatId: string,
    members: ChatMemberInput[],
    seenAt: string,
  ): Promise<MembersChange>;
  /** Present and former members, by userId. */
  getMembers(tenantId: string, chatId: string): Promise<ChatMemberRecord[]>;
  /** Replaces the chat's pinned messages unless a newer snapshot is stored; resolves whether it did. */
  putPinnedMessages(
    tenantId: string,
    chatId: string,
    pinned: PinnedMessageInput[],
    seenAt: string,
  ): Promise<boolean>;
  getPinnedMessages(tenantId: string, chatId: string): Promise<PinnedSnapshot | undefined>;
}

/** Message versions and the head that summarises each message. */
export interface MessageStore {
  /**
   * Stores the versions not stored yet (identity: `messageVersionId`) and brings each message's
   * head up to date. Versions may span chats and come in any order; a version older than the head's
   * latest is stored as history without moving the head back. A deletion is a version like any
   * other: earlier versions stay.
   *
   * Crash safety without a transaction spanning documents: versions are written before heads, and
   * a head is only ever replaced by the merge of itself and what the batch adds, so a batch cut off
   * anywhere and then repeated converges to the state one complete write gives.
   */
  putMessageVersions(tenantId: string, versions: MessageVersion[]): Promise<PutVersionsResult>;
  /** The heads of those of `messageIds` the store has seen, by messageId: one read for a fetched page. */
  getMessageHeads(tenantId: string, chatId: string, messageIds: string[]): Promise<Map<string, MessageHead>>;
  /**
   * Every stored version of the tenant (or of one chat), ordered by chatId, messageId, capturedAt
   * (then versionKey), read page by page as the iteration goes: never all at once.
   */
  iterateVersions(
    tenantId: string,
    options?: { chatId?: string; pageSize?: number },
  ): AsyncIterable<StoredMessageVersion>;
  countMessages(tenantId: string, options?: { chatId?: string }): Promise<MessageCounts>;
}

/**
 * Small JSON values by key (watermarks, delta links). The engine writes a checkpoint only after the
 * data it covers is durable, so a resumed run re-fetches at worst what came after it.
 */
export interface CheckpointStore {
  getCheckpoint<T = unknown>(tenantId: string, key: string): Promise<Checkpoint<T> | undefined>;
  putCheckpoint<T>(tenantId: string, key: string, value: T): Promise<Checkpoint<T>>;
  /** Resolves false when there was none. */
  deleteCheckpoint(tenantId: string, key: string): Promise<boolean>;
}

/** Backup runs: their progress, errors and outcome. */
export interface RunStore {
  /** Starts a run (status `running`, counters at zero); the store assigns `runId` unless given. */
  createRun(
    tenantId: string,
    init: { trigger: RunTrigger; runId?: string; phase?: string },
  ): Promise<RunRecord>;
  /**
   * Moves the run's phase and percent, adds to its counters and records errors (grouped by kind,
   * first examples kept). Atomic against concurrent updates from other workers. A finished run is
   * returned unchanged. Fails with `not_found` for an unknown run. Workers should call it every few
   * seconds rather than per message: every call is a write.
   */
  updateRunProgress(tenantId: string, runId: string, update: RunProgressUpdate): Promise<RunRecord>;
  /** Ends the run; the first finish wins and later ones return the run unchanged. */
  finishRun(
    tenantId: string,
    runId: string,
    finish: { outcome: RunOutcome; errors?: RunErrorInput[] },
  ): Promise<RunRecord>;
  /** Asks the run's workers to stop; resolves false for an unknown or finished run. */
  requestRunCancel(tenantId: string, runId: string): Promise<boolean>;
  /** A point read workers poll between batches. */
  isRunCancelRequested(tenantId: string, runId: string): Promise<boolean>;
  getRun(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  /** Newest first (by startedAt). */
  listRuns(tenantId: string, options?: PageOptions): Promise<Page<RunRecord>>;
  /** The finished run that finished last. */
  getLatestFinishedRun(tenantId: string): Promise<RunRecord | undefined>;
}

/**
 * Named leases with compare-and-swap on the stored record's revision (Cosmos DB: its ETag), so one
 * holder at a time across processes, e.g. `run` for the one backup run of a tenant.
 */
export interface LeaseStore {
  /**
   * Takes the lease if it is free or expired, or renews it if `holderId` already holds it;
   * resolves undefined while someone else holds it.
   */
  acquireLease(tenantId: string, name: string, holderId: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a held lease; resolves undefined when it was lost (expired and taken, or released). */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Resolves false when the lease was no longer this holder's. */
  releaseLease(lease: Lease): Promise<boolean>;
  /** The lease as held now; undefined when it is free (never taken, released or expired). */
  getLease(tenantId: string, name: string): Promise<Lease | undefined>;
}

/**
 * The units of a run's work (e.g. `user:<id>`), claimed by any number of processes. A claim
 * expires after its ttl, so the work of a crashed process is claimed again by another.
 */
export interface WorkItemStore {
  /** Adds the keys not yet in the run (as `pending`); resolves how many were new. */
  addWorkItems(tenantId: string, runId: string, keys: string[]): Promise<number>;
  /** The next pending item, or one whose claim expired; undefined when none is left to claim. */
  claimWorkItem(
    tenantId: string,
    runId: string,
    holderId: string,
    ttlMs: number,
  ): Promise<WorkItemClaim | undefined>;
  /** Extends a claim; undefined when it was lost. */
  renewWorkItem(claim: WorkItemClaim, ttlMs: number): Promise<WorkItemClaim | undefined>;
  /** Marks the item `done` or `failed` (final); resolves false when the claim was lost meanwhile. */
  completeWorkItem(claim: WorkItemClaim, outcome: 'done' | 'failed'): Promise<boolean>;
  /** Hands a claimed item back as `pending` (a worker shutting down); false when the claim was lost. */
  releaseWorkItem(claim: WorkItemClaim): Promise<boolean>;
  /** Claimed items count as `claimed` until they expire and are claimed again. */
  countWorkItems(tenantId: string, runId: string): Promise<WorkItemCounts>;
  /** Removes a run's items once it is finished; resolves how many there were. */
  removeWorkItems(tenantId: string, runId: string): Promise<number>;
}
