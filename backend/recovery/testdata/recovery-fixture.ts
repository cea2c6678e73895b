import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { FsBlobStore } from '../../blobs/fs-blob-store';
import { silentLogger } from '../../observability/logger';
import type { ChatMemberInput, HostedContentRef, MessageVersion } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import type { Actor, AuditEvent } from '../../store/connection-records';
import { openSqlite } from '../../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../store/sqlite/sqlite-backup-store';
import { SqliteConnectionStore } from '../../store/sqlite/sqlite-connection-store';
import { createSqliteRecoveryStore } from '../../store/sqlite/sqlite-recovery-store';
import { ManualClock } from '../../../test/support/manual-clock';
import { createRecoveryServices, type RecoveryServices } from '../create-recovery-module';
import type { RecoveryDeps } from '../recovery-deps';

export const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
export const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-000000000002';
export const ADMIN: Actor = { kind: 'user', id: 'admin-1', name: 'Ada Admin' };

/** A small PNG of one colour: distinct bytes per colour. */
export function png(red: number, green: number, blue: number, size = 4): Buffer {
  const image = new PNG({ width: size, height: size });
  for (let i = 0; i < image.data.length; i += 4) {
    image.data[i] = red;
    image.data[i + 1] = green;
    image.data[i + 2] = blue;
    image.data[i + 3] = 255;
  }
  return PNG.sync.write(image);
}

export interface RecoveryFixture {
  deps: RecoveryDeps;
  services: RecoveryServices;
  backup: BackupStore;
  db: Database.Database;
  clock: ManualClock;
  audit(tenantId?: string): Promise<AuditEvent[]>;
  close(): void;
}

/** Recovery over an in-memory SQLite store and a temporary blob folder, on a manual clock. */
export function recoveryFixture(): RecoveryFixture {
  const db = openSqlite(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'chatvault-recovery-'));
  const clock = new ManualClock('2026-06-10T00:00:00.000Z');
  const auditStore = new SqliteConnectionStore(db);
  const deps: RecoveryDeps = {
    backup: createSqliteBackupStore(db),
    recovery: createSqliteRecoveryStore(db),
    blobs: new FsBlobStore({ dir }),
    auditStore,
    clock,
    logger: silentLogger(),
  };
  return {
    deps,
    services: createRecoveryServices(deps),
    backup: deps.backup,
    db,
    clock,
    audit: (tenantId = TENANT) => auditStore.listAudit(tenantId, { limit: 1000 }),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Puts the bytes in the blob store and returns the reference a version carries. */
export async function storeImage(
  fixture: RecoveryFixture,
  tenantId: string,
  id: string,
  bytes: Buffer,
): Promise<HostedContentRef> {
  const put = await fixture.deps.blobs.put(tenantId, bytes, { contentType: 'image/png' });
  return { id, sha256: put.sha256, contentType: 'image/png', size: put.size };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const CHAT = '19:plans0000000000000000000000000@thread.v2';

export const PEOPLE = {
  ada: { id: '11111111-0000-4000-8000-0000000000a1', name: 'Ada Lovelace', upn: 'ada@contoso.example' },
  grace: { id: '11111111-0000-4000-8000-0000000000a2', name: 'Grace Hopper', upn: 'grace@contoso.example' },
  linus: { id: '11111111-0000-4000-8000-0000000000a3', name: 'Linus Pauling', upn: 'linus@contoso.example' },
} as const;

export interface Person {
  id: string;
  name: string;
  upn: string;
}

/** A chat with its members and directory entries, as discovery would have written it. */
export async function seedChat(
  fixture: RecoveryFixture,
  options: { tenantId?: string; chatId?: string; topic?: string | null; members?: Person[] } = {},
): Promise<string> {
  const tenantId = options.tenantId ?? TENANT;
  const chatId = options.chatId ?? CHAT;
  const members = options.members ?? [PEOPLE.ada, PEOPLE.grace, PEOPLE.linus];
  const seenAt = '2026-06-01T00:00:00.000Z';
  await fixture.backup.upsertUsers(
    tenantId,
    members.map((p) => ({ userId: p.id, upn: p.upn, displayName: p.name, state: 'active' as const })),
  );
  await fixture.backup.upsertChats(
    tenantId,
    [
      {
        chatId,
        chatType: 'group',
        topic: options.topic === undefined ? 'Launch plans' : options.topic,
        createdDateTime: '2026-05-01T09:00:00.000Z',
        lastUpdatedDateTime: '2026-05-01T09:00:00.000Z',
        webUrl: null,
        raw: { id: chatId, members: members.map((p) => ({ userId: p.id, displayName: p.name })) },
      },
    ],
    seenAt,
  );
  const inputs: ChatMemberInput[] = members.map((p) => ({
    userId: p.id,
    membershipId: `m-${p.id}`,
    displayName: p.name,
    email: p.upn,
    roles: ['owner'],
    memberTenantId: tenantId,
    visibleHistoryStartDateTime: null,
  }));
  await fixture.backup.recordMembers(tenantId, chatId, inputs, seenAt);
  return chatId;
}

/** Message ids are their creation time in ms, as Teams makes them. */
export function messageId(n: number): string {
  return String(Date.parse('2026-05-02T09:00:00.000Z') + n * 60_000);
}

export interface MessageState {
  chatId?: string;
  n: number;
  from?: Person | null;
  html?: string;
  text?: string;
  /** Distinguishes states: becomes the etag and lastModifiedDateTime. */
  modifiedMinutes?: number;
  deleted?: boolean;
  capturedAt: string;
  hosted?: HostedContentRef[];
  reactions?: { type: string; by: Person }[];
  mentions?: { id: number; person: Person }[];
  attachments?: Record<string, unknown>[];
  messageType?: 'message' | 'systemEventMessage';
  eventDetail?: Record<string, unknown>;
  subject?: string | null;
  importance?: string;
}

/** One captured state of a message, shaped like Graph's chatMessage. */
export function state(s: MessageState): MessageVersion {
  const chatId = s.chatId ?? CHAT;
  const id = messageId(s.n);
  const created = new Date(Number(id)).toISOString();
  const modifiedMs = Number(id) + (s.modifiedMinutes ?? 0) * 60_000;
  const modified = new Date(modifiedMs).toISOString();
  const from = s.from === undefined ? PEOPLE.ada : s.from;
  const deleted = s.deleted ? modified : null;
  const content = s.deleted ? '' : (s.html ?? `<p>${s.text ?? `message ${s.n}`}</p>`);
  const message: Record<string, unknown> = {
    id,
    replyToId: null,
    etag: String(modifiedMs),
    messageType: s.messageType ?? 'message',
    createdDateTime: created,
    lastModifiedDateTime: modified,
    lastEditedDateTime: s.modifiedMinutes && !s.deleted && !s.reactions ? modified : null,
    deletedDateTime: deleted,
    subject: s.subject ?? null,
    summary: null,
    chatId,
    importance: s.importance ?? 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    onBehalfOf: null,
    policyViolation: null,
    eventDetail: s.eventDetail ?? null,
    from: from
      ? {
          application: null,
          device: null,
          user: { id: from.id, displayName: from.name, userIdentityType: 'aadUser', tenantId: TENANT },
        }
      : null,
    body: {
      contentType: 'html',
      content: s.messageType === 'systemEventMessage' ? '<systemEventMessage/>' : content,
    },
    attachments: s.deleted ? [] : (s.attachments ?? []),
    mentions: (s.deleted ? [] : (s.mentions ?? [])).map((m) => ({
      id: m.id,
      mentionText: m.person.name,
      mentioned: {
        application: null,
        device: null,
        conversation: null,
        user: { id: m.person.id, displayName: m.person.name, userIdentityType: 'aadUser' },
      },
    })),
    reactions: (s.reactions ?? []).map((r) => ({
      reactionType: r.type,
      displayName: null,
      reactionContentUrl: null,
      createdDateTime: modified,
      user: {
        application: null,
        device: null,
        user: { id: r.by.id, displayName: null, userIdentityType: 'aadUser' },
      },
    })),
    messageHistory: [],
  };
  return {
    chatId,
    messageId: id,
    etag: String(modifiedMs),
    lastModifiedDateTime: modified,
    createdDateTime: created,
    deletedDateTime: deleted,
    fromUserId: from?.id ?? null,
    messageType: s.messageType ?? 'message',
    capturedAt: s.capturedAt,
    runId: `run-${s.capturedAt.slice(0, 10)}`,
    message,
    hostedContents: s.deleted ? [] : (s.hosted ?? []),
  };
}

export function inlineImage(ref: HostedContentRef, n: number, chatId = CHAT): string {
  return `<img src="https://graph.microsoft.com/v1.0/chats/${chatId}/messages/${messageId(n)}/hostedContents/${ref.id}/$value" width="4" height="4" style="vertical-align:bottom">`;
}
