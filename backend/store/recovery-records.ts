import type { StoredMessageVersion } from './backup-records';
import type { Actor } from './connection-records';

/**
 * What the recovery store reads and keeps beside the backup: message histories for transcripts,
 * search matches, the retention policy, and the blob sweeps that erasure leaves to finish. Every
 * record belongs to one tenant; times are ISO-8601 UTC strings. Layout: docs/recovery.md.
 */

/** A message with the versions a read covers, in the head's order (oldest state first). */
export interface MessageHistory {
  tenantId: string;
  chatId: string;
  messageId: string;
  /** Never empty: a message without a version in the read's scope is left out of it. */
  versions: StoredMessageVersion[];
}

export type TranscriptOrder = 'oldest-first' | 'newest-first';

/**
 * A page of a chat's messages. Messages come in the order of their ids, which Teams makes their
 * creation time in epoch milliseconds (13 digits, so text order is time order): the store's
 * version index serves it with nothing added to the backup's writes.
 */
export interface ChatMessagesQuery {
  order: TranscriptOrder;
  /** At most this many messages (capped at 1000). */
  limit: number;
  /** Keyset: only messages after this id (oldest-first) or before it (newest-first). */
  from?: string;
  /** Only versions captured at or before this moment; a message with none then is left out. */
  at?: string;
  /** Only messages created at or after this moment. */
  createdFrom?: string;
  /** Only messages created before this moment. */
  createdBefore?: string;
}

export interface ChatMessagesPage {
  messages: MessageHistory[];
  /** True when more messages follow in the page's direction. */
  more: boolean;
}

/** What to look for; the words are the user's, each one must occur in the same version. */
export interface SearchQuery {
  /** Search terms (`searchTerms` of the user's text); at least one. */
  terms: string[];
  /** The last term also matches words it begins. */
  prefix: boolean;
  chatId?: string;
  fromUserId?: string;
  createdFrom?: string;
  createdBefore?: string;
  limit: number;
  cursor?: string;
}

/** A message one or more of whose versions hold every term; newest message first. */
export interface SearchMatch {
  chatId: string;
  messageId: string;
  createdDateTime: string;
  fromUserId: string | null;
  /** The versions that matched. */
  versionKeys: string[];
}

/** How long a tenant's backed-up messages are kept: forever (the default) or whole years. */
export type RetentionKeep = { kind: 'forever' } | { kind: 'years'; years: number };

export interface RetentionPolicy {
  tenantId: string;
  keep: RetentionKeep;
  updatedAt: string;
  updatedBy: Actor;
}

export interface MessageRef {
  chatId: string;
  messageId: string;
}

/** What `deleteMessages` removed. */
export interface DeletedMessages {
  messages: number;
  versions: number;
  /** The blob sweep recording the hashes the removed versions referenced (absent when they referenced none). */
  sweepId?: string;
}

/**
 * Hashes some removed versions referenced: each blob is deleted once no version of the tenant
 * references it any more. Recorded before the versions go, so a crash loses no candidate.
 */
export interface BlobSweep {
  tenantId: string;
  sweepId: string;
  hashes: string[];
  createdAt: string;
}

/** What `eraseUserRecords` removed besides messages. */
export interface UserRecordsErased {
  /** The directory entry. */
  directory: boolean;
  /** Member records of chats. */
  memberships: number;
  /** Chats whose Graph listing named the user among its members (the entry is taken out). */
  chatListings: number;
  /** Pinned messages the user had sent (taken out of the pinned snapshots). */
  pinned: number;
}
