/**
 * What the backup store keeps. Every record belongs to one tenant; times are ISO-8601 UTC strings.
 * Layout per adapter (tables, Cosmos DB containers, ids, partition keys): docs/storage.md, Metadata.
 */

// ---------------------------------------------------------------------------------------------
// Paging

/** One page of a listing. A page may hold fewer than `limit` items while more follow: stop only when `next` is absent. */
export interface Page<T> {
  items: T[];
  /** Opaque; pass it back as `cursor` (with the same tenant and filters) for the next page. */
  next?: string;
}

export interface PageOptions {
  /** At most this many items (default 100, capped at 1000). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

// ---------------------------------------------------------------------------------------------
// Directory

export type UserState = 'active' | 'unlicensed' | 'disabled' | 'deleted' | 'notFound';

/** A user as discovery found them in Entra ID. */
export interface DirectoryUserInput {
  userId: string;
  upn: string;
  displayName: string;
  state: UserState;
}

/** Why the last backup of a user failed (a stable engine code and a sentence without secrets). */
export interface UserBackupError {
  kind: string;
  message: string;
  at: string;
}

export interface DirectoryUser extends DirectoryUserInput {
  tenantId: string;
  /** When discovery last wrote this user. */
  updatedAt: string;
  lastBackedUpAt?: string;
  lastError?: UserBackupError;
}

/** What a finished backup of one user changes; discovery never touches these fields. */
export interface UserBackupStatus {
  /** Set when the user's messages were backed up completely. */
  lastBackedUpAt?: string;
  /** `null` clears a previous error. */
  lastError: UserBackupError | null;
}

// ---------------------------------------------------------------------------------------------
// Chats, members, pinned messages

export type ChatType = 'oneOnOne' | 'group' | 'meeting' | 'unknownFutureValue';

/** A chat's metadata as Graph returned it (`GET /users/{id}/chats`). */
export interface ChatInput {
  chatId: string;
  chatType: ChatType;
  topic: string | null;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  webUrl: string | null;
  /** The Graph `chat` resource exactly as received. */
  raw: Record<string, unknown>;
}

export interface TopicChange {
  topic: string | null;
  /** The `seenAt` of the first write that carried this topic. */
  seenAt: string;
}

export interface ChatRecord extends ChatInput {
  tenantId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Every topic the chat had while backed up, oldest first; the last entry is the current topic. */
  topicHistory: TopicChange[];
}

/** One member of a chat as Graph lists it (`aadUserConversationMember`). */
export interface ChatMemberInput {
  userId: string;
  /** The conversationMember id. */
  membershipId: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  /** The member's home tenant (differs from the chat's tenant for guests and federated users). */
  memberTenantId: string | null;
  visibleHistoryStartDateTime: string | null;
}

/** A stretch of membership: from the first snapshot that showed the member to the first that did not. */
export interface MembershipPeriod {
  joinedSeenAt: string;
  /** `null` while the member is still in the chat. */
  leftSeenAt: string | null;
}

export interface ChatMemberRecord extends ChatMemberInput {
  tenantId: string;
  chatId: string;
  present: boolean;
  firstSeenAt: string;
  /** The last snapshot that showed the member. */
  lastSeenAt: string;
  /** Oldest first; a member who left and came back has several. */
  periods: MembershipPeriod[];
  /** The latest snapshot applied to this record (older snapshots are ignored). */
  snapshotAt: string;
}

export interface MembersChange {
  /** False when a newer snapshot had already been applied to every member concerned. */
  applied: boolean;
  joined: string[];
  left: string[];
}

export interface PinnedMessageInput {
  /** The pinnedChatMessageInfo id. */
  pinnedMessageId: string;
  messageId: string;
  /** The `pinnedChatMessageInfo` (with its expanded message) exactly as received. */
  raw: Record<string, unknown>;
}

export interface PinnedSnapshot {
  tenantId: string;
  chatId: string;
  seenAt: string;
  pinned: PinnedMessageInput[];
}

// ---------------------------------------------------------------------------------------------
// Message versions

/** A hosted content (inline image…) of a message, stored in the blob store under its hash. */
export interface HostedContentRef {
  /** The Graph hosted content id. */
  id: string;
  sha256: string;
  contentType: string;
  size: number;
}

/**
 * One captured state of a message. A new version exists whenever Graph's `etag` (or, without one,
 * `lastModifiedDateTime`) changes; see `messageVersionKey`.
 */
export interface MessageVersion {
  chatId: string;
  messageId: string;
  etag: string | null;
  lastModifiedDateTime: string | null;
  createdDateTime: string;
  deletedDateTime: string | null;
  /** `from.user.id`; null for application, device and system messages. */
  fromUserId: string | null;
  messageType: string;
  /** When ChatVault fetched this state. */
  capturedAt: string;
  runId: string;
  /** The Graph `chatMessage` exactly as received. */
  message: Record<string, unknown>;
  hostedContents: HostedContentRef[];
}

export interface StoredMessageVersion extends MessageVersion {
  tenantId: string;
  /** `messageVersionKey` of this version. */
  versionKey: string;
  /** `messageVersionId` of this version: unique within the tenant. */
  versionId: string;
}

/** What a head remembers of each version of its message (enough to classify and order without reading versions). */
export interface HeadVersion {
  versionKey: string;
  lastModifiedDateTime: string | null;
  capturedAt: string;
  deleted: boolean;
}

/** The store's summary of a message: its latest version and whether it is deleted. */
export interface MessageHead {
  tenantId: string;
  chatId: string;
  messageId: string;
  createdDateTime: string;
  fromUserId: string | null;
  /** Of the latest version (by `lastModifiedDateTime`, then `capturedAt`). */
  latestVersionKey: string;
  etag: string | null;
  lastModifiedDateTime: string | null;
  deleted: boolean;
  deletedDateTime: string | null;
  /** When the current deletion was first captured; null while the message is not deleted. */
  firstSeenDeletedAt: string | null;
  versionCount: number;
  /** Every stored version, oldest first. */
  versions: HeadVersion[];
}

/** What one `putMessageVersions` call changed, counted against the heads as they were before it. */
export interface PutVersionsResult {
  /** Messages the store had no version of. */
  newMessages: number;
  /** Versions stored for the first time (includes the first versions of new messages). */
  newVersions: number;
  /** Messages that became deleted (were absent or not deleted before). */
  deletionsSeen: number;
  /** Versions the store already had; nothing was written for them. */
  unchanged: number;
}

export interface MessageCounts {
  messages: number;
  versions: number;
  /** Messages whose latest version is deleted. */
  deleted: number;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

export interface Checkpoint<T = unknown> {
  tenantId: string;
  key: string;
  value: T;
  updatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Runs

export type RunTrigger =
  { kind: 'schedule' } | { kind: 'manual'; by: { userId: string; displayName: string } } | { kind: 'cli' };

export type RunOutcome = 'succeeded' | 'partial' | 'failed' | 'cancelled';

export interface RunCounters {
  users: number;
  chats: number;
  messagesNew: number;
  messagesChanged: number;
  messagesDeleted: number;
  versions: number;
  blobs: number;
  bytes: number;
  requests: number;
  throttled: number;
}

export const RUN_COUNTER_NAMES = [
  'users',
  'chats',
  'messagesNew',
  'messagesChanged',
  'messagesDeleted',
  'versions',
  'blobs',
  'bytes',
  'requests',
  'throttled',
] as const satisfies readonly (keyof RunCounters)[];

/** One failure met during a run; `kind` is the engine's stable code for it. */
export interface RunErrorInput {
  kind: string;
  message: string;
  at: string;
  userId?: string;
  chatId?: string;
  messageId?: string;
}

export interface RunErrorGroup {
  kind: string;
  count: number;
  /** The first few (at most `RUN_ERROR_EXAMPLES`) errors of this kind. */
  examples: RunErrorInput[];
}

export const RUN_ERROR_EXAMPLES = 5;

export interface RunRecord {
  tenantId: string;
  runId: string;
  trigger: RunTrigger;
  startedAt: string;
  updatedAt: string;
  status: 'running' | 'finished';
  /** The engine's name for what it is doing now. */
  phase: string;
  /** 0–100. */
  percent: number;
  counters: RunCounters;
  /** Grouped by kind, in the order kinds were first met. */
  errors: RunErrorGroup[];
  cancelRequestedAt?: string;
  finishedAt?: string;
  outcome?: RunOutcome;
}

export interface RunProgressUpdate {
  phase?: string;
  percent?: number;
  /** Added to the counters (several workers report into one run). */
  add?: Partial<RunCounters>;
  errors?: RunErrorInput[];
}

// ---------------------------------------------------------------------------------------------
// Leases and work items

/** A held lease. `token` is the compare-and-swap token of the write that produced it. */
export interface Lease {
  tenantId: string;
  name: string;
  holderId: string;
  acquiredAt: string;
  expiresAt: string;
  token: string;
}

export type WorkItemState = 'pending' | 'claimed' | 'done' | 'failed';

export interface WorkItemClaim {
  tenantId: string;
  runId: string;
  key: string;
  holderId: string;
  expiresAt: string;
  /** How many times the item was claimed, this claim included. */
  attempts: number;
  token: string;
}

export type WorkItemCounts = Record<WorkItemState, number>;
