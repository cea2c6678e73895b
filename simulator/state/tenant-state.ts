import {
  addMember,
  createChat,
  listMembers,
  removeMember,
  renameChat,
  toChatRecord,
  type AddMemberOptions,
  type ChatRecord,
  type NewChat,
} from './chats';
import { systemClock, type Clock } from './clock';
import type { MemberJson } from './directory-json';
import {
  addUser,
  createTenant,
  deleteUser,
  toTenantRef,
  toUserRecord,
  updateUser,
  type NewTenant,
  type NewUser,
  type TenantRef,
  type UserChange,
  type UserRecord,
} from './directory';
import type { SystemEvent } from './event-detail-json';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  findGroup,
  listGroups,
  removeGroupMember,
  transitiveUserIds,
  type GroupRecord,
  type MemberRef,
  type NewGroup,
} from './groups';
import {
  exportTruth,
  readBlob,
  tenantStats,
  type ExportTruthOptions,
  type TenantStats,
  type TruthMessage,
} from './ground-truth';
import type { ChatMessageJson } from './message-json';
import {
  deleteMessage,
  editMessage,
  parseMessage,
  pinMessage,
  postMessage,
  postSystemEvent,
  react,
  unpinMessage,
  unreact,
  type EditMessageInput,
  type PinResult,
  type PostMessageInput,
  type ReactionInput,
} from './messages';
import type { ParticipantInput } from './participants';
import { openSimulatorDb, type SimulatorDb } from './schema';
import { StateContext, type ChatRow, type MessageRow, type TenantRow } from './state-context';

export interface TenantStateOptions {
  /** SQLite file; in memory when absent. */
  file?: string;
  /** An already opened simulator database (wins over `file`). */
  db?: SimulatorDb;
  clock?: Clock;
}

/**
 * The simulator's tenants: typed reads and the mutations the seed and the control API make.
 * Every mutation is one transaction, bumps the tenant's `seq` and the touched chat's
 * `lastUpdatedDateTime`, and throws `StateError` (with a stable `reason`) when refused.
 * Methods taking a tenant accept its id or its domain.
 */
export class TenantState {
  readonly db: SimulatorDb;
  readonly clock: Clock;
  /** Shared with the seed, which writes rows in bulk through the same statements. */
  readonly context: StateContext;

  constructor(options: TenantStateOptions = {}) {
    this.db = options.db ?? openSimulatorDb(options.file);
    this.clock = options.clock ?? systemClock;
    this.context = new StateContext(this.db, this.clock);
  }

  close(): void {
    this.db.close();
  }

  // Reads

  findTenant(idOrDomain: string): TenantRef | undefined {
    const row = this.context.tenant(idOrDomain);
    return row && toTenantRef(row);
  }

  listTenants(): TenantRef[] {
    return (this.context.stmt.tenants.all() as TenantRow[]).map(toTenantRef);
  }

  /** A user by id or UPN; soft-deleted users only with `includeDeleted` (Graph answers 404 for them). */
  findUser(
    tenantId: string,
    idOrUpn: string,
    options: { includeDeleted?: boolean } = {},
  ): UserRecord | undefined {
    const tenant = this.findTenant(tenantId);
    const row = tenant && this.context.anyUser(tenant.id, idOrUpn);
    if (!row || (row.deleted && !options.includeDeleted)) return undefined;
    return toUserRecord(row);
  }

  findChat(tenantId: string, chatId: string): ChatRecord | undefined {
    const tenant = this.findTenant(tenantId);
    const row = tenant && (this.context.stmt.chat.get(tenant.id, chatId) as ChatRow | undefined);
    return row && toChatRecord(row);
  }

  /** Members in the order Graph lists them; empty for an unknown tenant or chat. */
  listMembers(tenantId: string, chatId: string): MemberJson[] {
    const tenant = this.findTenant(tenantId);
    return tenant ? listMembers(this.context, tenant.id, chatId) : [];
  }

  findMessage(tenantId: string, chatId: string, messageId: string): ChatMessageJson | undefined {
    const row = this.messageRow(tenantId, chatId, messageId);
    return row && parseMessage(row);
  }

  /** A message's stored version counter and seq (ground truth for change tracking). */
  messageMeta(
    tenantId: string,
    chatId: string,
    messageId: string,
  ): { version: number; seq: number } | undefined {
    const row = this.messageRow(tenantId, chatId, messageId);
    return row && { version: row.version, seq: row.seq };
  }

  private messageRow(tenantId: string, chatId: string, messageId: string): MessageRow | undefined {
    const tenant = this.findTenant(tenantId);
    return tenant && (this.context.stmt.message.get(tenant.id, chatId, messageId) as MessageRow | undefined);
  }

  stats(tenantIdOrDomain: string): TenantStats {
    return tenantStats(this.context, tenantIdOrDomain);
  }

  exportTruth(
    tenantIdOrDomain: string,
    options: ExportTruthOptions = {},
  ): Generator<TruthMessage, void, undefined> {
    return exportTruth(this.context, tenantIdOrDomain, options);
  }

  readBlob(sha256: string): { contentType: string; bytes: Buffer } | undefined {
    return readBlob(this.context, sha256);
  }

  // Directory

  createTenant(tenant: NewTenant): TenantRef {
    return createTenant(this.context, tenant);
  }

  addUser(tenantId: string, user: NewUser): UserRecord {
    return addUser(this.context, tenantId, user);
  }

  updateUser(tenantId: string, userId: string, change: UserChange): UserRecord {
    return updateUser(this.context, tenantId, userId, change);
  }

  deleteUser(tenantId: string, userId: string): UserRecord {
    return deleteUser(this.context, tenantId, userId);
  }

  // Groups

  findGroup(tenantId: string, groupId: string): GroupRecord | undefined {
    const tenant = this.findTenant(tenantId);
    return tenant && findGroup(this.context, tenant.id, groupId);
  }

  listGroups(tenantId: string): GroupRecord[] {
    const tenant = this.findTenant(tenantId);
    return tenant ? listGroups(this.context, tenant.id) : [];
  }

  /** The group's live users, nested groups expanded: what Graph's transitiveMembers lists. */
  transitiveUserIds(tenantId: string, groupId: string): string[] {
    const tenant = this.findTenant(tenantId);
    return tenant ? transitiveUserIds(this.context, tenant.id, groupId) : [];
  }

  createGroup(tenantId: string, group: NewGroup, members?: readonly MemberRef[]): GroupRecord {
    return createGroup(this.context, tenantId, group, members);
  }

  addGroupMember(tenantId: string, groupId: string, member: MemberRef): GroupRecord {
    return addGroupMember(this.context, tenantId, groupId, member);
  }

  removeGroupMember(tenantId: string, groupId: string, memberId: string): GroupRecord {
    return removeGroupMember(this.context, tenantId, groupId, memberId);
  }

  deleteGroup(tenantId: string, groupId: string): void {
    deleteGroup(this.context, tenantId, groupId);
  }

  // Chats

  createChat(tenantId: string, chat: NewChat): ChatRecord {
    return createChat(this.context, tenantId, chat);
  }

  addMember(
    tenantId: string,
    chatId: string,
    member: ParticipantInput,
    options?: AddMemberOptions,
  ): ChatMessageJson {
    return addMember(this.context, tenantId, chatId, member, options);
  }

  removeMember(tenantId: string, chatId: string, userId: string, options?: { by?: string }): ChatMessageJson {
    return removeMember(this.context, tenantId, chatId, userId, options);
  }

  renameChat(tenantId: string, chatId: string, topic: string, options?: { by?: string }): ChatMessageJson {
    return renameChat(this.context, tenantId, chatId, topic, options);
  }

  // Messages

  postMessage(tenantId: string, chatId: string, input: PostMessageInput): ChatMessageJson {
    return postMessage(this.context, tenantId, chatId, input);
  }

  editMessage(tenantId: string, chatId: string, messageId: string, input: EditMessageInput): ChatMessageJson {
    return editMessage(this.context, tenantId, chatId, messageId, input);
  }

  deleteMessage(tenantId: string, chatId: string, messageId: string): ChatMessageJson {
    return deleteMessage(this.context, tenantId, chatId, messageId);
  }

  react(tenantId: string, chatId: string, messageId: string, reaction: ReactionInput): ChatMessageJson {
    return react(this.context, tenantId, chatId, messageId, reaction);
  }

  unreact(tenantId: string, chatId: string, messageId: string, reaction: ReactionInput): ChatMessageJson {
    return unreact(this.context, tenantId, chatId, messageId, reaction);
  }

  pinMessage(tenantId: string, chatId: string, messageId: string, options?: { by?: string }): PinResult {
    return pinMessage(this.context, tenantId, chatId, messageId, options);
  }

  unpinMessage(
    tenantId: string,
    chatId: string,
    pinnedId: string,
    options?: { by?: string },
  ): ChatMessageJson {
    return unpinMessage(this.context, tenantId, chatId, pinnedId, options);
  }

  postSystemEvent(tenantId: string, chatId: string, event: SystemEvent, by?: string): ChatMessageJson {
    return postSystemEvent(this.context, tenantId, chatId, event, by);
  }
}
