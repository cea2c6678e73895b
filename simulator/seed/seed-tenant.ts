import { memberRoles } from '../state/chats';
import { chatJson, memberJson, type ChatJson } from '../state/directory-json';
import { userRow, type TenantRef } from '../state/directory';
import { groupRow, groupStatements } from '../state/groups';
import { guidFrom } from '../state/graph-ids';
import { SCHEMA_SQL, type SimulatorDb } from '../state/schema';
import type { TenantRow } from '../state/state-context';
import { StateError } from '../state/state-error';
import type { TenantState } from '../state/tenant-state';
import { planChats, type SeedChat } from './seed-chats';
import { seedGroups } from './seed-groups';
import { seedImages } from './seed-images';
import { MessageStream, type SeedSink } from './seed-messages';
import { DEFAULT_BATCH_SIZE, resolveSizes, type SeedSizes, type SeedTenantOptions } from './seed-options';
import { seedPeople, type SeedPerson } from './seed-people';
import { SeedRandom } from './seed-random';

/** How many distinct images a tenant's inline images are drawn from. */
const IMAGE_POOL_SIZE = 36;

const DAY_MS = 86_400_000;

/** Below this many new messages, loading row by row into the live indexes is as fast. */
const BULK_LOAD_MIN_MESSAGES = 20_000;

/** The message indexes other than the primary key: rebuilt after a bulk load from SCHEMA_SQL. */
const SECONDARY_MESSAGE_INDEXES = ['messages_by_modified', 'messages_by_created', 'messages_by_seq'];

/**
 * Prepares the database for a large load and returns how to undo it. Messages arrive in time
 * order spread over thousands of chats, so every row would touch a random page of each
 * (tenant, chat, …) index: building those indexes once at the end, by sorting, is several times
 * faster. A file database also leaves WAL for the load, so that pages are written once rather
 * than to the log and again at checkpoint.
 */
function enterBulkLoad(db: SimulatorDb): () => void {
  let leftWal = false;
  if (db.pragma('journal_mode', { simple: true }) === 'wal') {
    try {
      leftWal = db.pragma('journal_mode = MEMORY', { simple: true }) === 'memory';
    } catch {
      // "database is locked": another connection has the file open, and WAL must stay. Load in WAL.
    }
  }
  for (const index of SECONDARY_MESSAGE_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  return () => {
    db.exec(SCHEMA_SQL);
    if (leftWal) db.pragma('journal_mode = WAL');
  };
}

export interface SeedSummary extends TenantRef {
  sizes: SeedSizes;
  startMs: number;
  endMs: number;
}

/**
 * Writes a whole tenant generated from `options.seed`: the same seed, sizes and `endMs` give the
 * same tenant, byte for byte. Messages are generated in time order and written in transactions
 * of `batchSize` rows as they come, so memory stays flat whatever the size (the people and chats
 * are held, the messages are not).
 */
export function seedTenant(state: TenantState, options: SeedTenantOptions): SeedSummary {
  const sizes = resolveSizes(options);
  const ctx = state.context;
  const { stmt } = ctx;
  const endMs = options.endMs ?? state.clock.now();
  const startMs = endMs - Math.round(sizes.spanDays * DAY_MS);
  const tenantId = (options.tenantId ?? guidFrom(options.seed, 'tenant')).toLowerCase();
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  if (ctx.tenant(tenantId) || ctx.tenant(options.domain)) {
    throw new StateError(
      'conflict',
      `a tenant with id ${tenantId} or domain ${options.domain} already exists`,
    );
  }

  const people = seedPeople(
    new SeedRandom(`${options.seed}:people`),
    options.seed,
    tenantId,
    options.domain,
    sizes.users,
  );
  const chats = planChats(
    new SeedRandom(`${options.seed}:chats`),
    options.seed,
    tenantId,
    people,
    sizes.chats,
    startMs,
    endMs - startMs,
  );
  const groups = seedGroups(
    new SeedRandom(`${options.seed}:groups`),
    options.seed,
    people.users.map((u) => u.id),
  );
  const images = seedImages(options.seed, IMAGE_POOL_SIZE);
  let seq = 0;
  const ordinals = new Map<string, number>();
  const memberships = new Map<string, string>();

  const insertMember = (chat: SeedChat, person: SeedPerson, visibleHistoryStartMs: number | null): void => {
    const p = person.participant;
    const json = memberJson({
      chatId: chat.id,
      userId: p.userId,
      displayName: p.displayName,
      email: p.email,
      tenantId: p.tenantId,
      roles: memberRoles(chat.chatType, p, person === chat.organizer),
      visibleHistoryStartMs,
    });
    const ordinal = ordinals.get(chat.id) ?? 0;
    ordinals.set(chat.id, ordinal + 1);
    memberships.set(`${chat.id}\u001f${p.userId}`, json.id);
    stmt.insertMember.run({
      tenant_id: tenantId,
      chat_id: chat.id,
      membership_id: json.id,
      user_id: p.userId,
      ordinal,
      json: JSON.stringify(json),
    });
    seq++;
  };

  ctx.write(() => {
    const tenant: TenantRow = { id: tenantId, domain: options.domain, display_name: options.displayName };
    stmt.insertTenant.run(tenant);
    stmt.insertCounter.run(tenantId);
    seq++;
    people.users.forEach((u, ordinal) => {
      stmt.insertUser.run(userRow(tenant, u, ordinal));
      seq++;
    });
    // Groups are directory objects, not chat content: they leave `seq` (the message change counter) alone.
    const groupStmt = groupStatements(ctx.db);
    groups.forEach((g, ordinal) => {
      groupStmt.insertGroup.run(groupRow(tenantId, g, ordinal, startMs));
      for (const m of g.members) groupStmt.insertMember.run(tenantId, g.id, m.id, m.type);
    });
    for (const image of images) stmt.insertBlob.run(image.sha256, image.contentType, image.bytes);
    for (const chat of chats) {
      const json = chatJson({
        id: chat.id,
        tenantId,
        chatType: chat.chatType,
        topic: chat.topic,
        createdMs: chat.birthMs,
        lastUpdatedMs: chat.birthMs,
        onlineMeetingInfo: chat.onlineMeetingInfo,
      });
      stmt.insertChat.run({
        tenant_id: tenantId,
        id: chat.id,
        chat_type: chat.chatType,
        created_ms: chat.birthMs,
        last_updated_ms: chat.birthMs,
        json: JSON.stringify(json),
      });
      seq++;
      for (const person of chat.members) insertMember(chat, person, null);
    }
  });

  const sink: SeedSink = {
    message(chat, message, version, fromUserId, hosted) {
      seq++;
      stmt.insertMessage.run({
        tenant_id: tenantId,
        chat_id: chat.id,
        id: message.id,
        created_ms: Number(message.id),
        last_modified_ms: Date.parse(message.lastModifiedDateTime),
        seq,
        version,
        deleted: message.deletedDateTime === null ? 0 : 1,
        message_type: message.messageType,
        from_user_id: fromUserId,
        json: JSON.stringify(message),
      });
      for (const h of hosted) {
        stmt.insertHostedContent.run({
          tenant_id: tenantId,
          chat_id: chat.id,
          message_id: message.id,
          id: h.id,
          blob_sha256: h.sha256,
        });
      }
    },
    addMember: insertMember,
    removeMember(chat, person) {
      const key = `${chat.id}\u001f${person.participant.userId}`;
      stmt.deleteMember.run(tenantId, chat.id, memberships.get(key));
      memberships.delete(key);
      seq++;
    },
    pin(chat, messageId, ms) {
      stmt.insertPin.run({
        tenant_id: tenantId,
        chat_id: chat.id,
        id: messageId,
        message_id: messageId,
        pinned_ms: ms,
      });
      seq++;
    },
    unpin(chat, messageId) {
      stmt.deletePin.run(tenantId, chat.id, messageId);
      seq++;
    },
  };

  const stream = new MessageStream({
    rng: new SeedRandom(`${options.seed}:messages`),
    seed: options.seed,
    tenantId,
    domain: options.domain,
    people,
    chats,
    images,
    startMs,
    endMs,
    total: sizes.messages,
  });
  const writeBatch = ctx.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) stream.next(i, sink);
  });
  const existing = (ctx.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  const leaveBulkLoad =
    sizes.messages >= BULK_LOAD_MIN_MESSAGES && sizes.messages >= existing
      ? enterBulkLoad(ctx.db)
      : () => undefined;
  try {
    for (let from = 0; from < sizes.messages; from += batchSize) {
      const to = Math.min(sizes.messages, from + batchSize);
      writeBatch(from, to);
      options.onProgress?.(to, sizes.messages);
    }
  } finally {
    leaveBulkLoad();
  }

  ctx.write(() => {
    for (const chat of chats) {
      const json = JSON.parse((stmt.chat.get(tenantId, chat.id) as { json: string }).json) as ChatJson;
      const finished = chatJson({
        id: chat.id,
        tenantId,
        chatType: chat.chatType,
        topic: chat.topic,
        createdMs: chat.birthMs,
        lastUpdatedMs: chat.lastUpdatedMs,
        onlineMeetingInfo: json.onlineMeetingInfo,
      });
      stmt.updateChat.run(chat.lastUpdatedMs, JSON.stringify(finished), tenantId, chat.id);
    }
    stmt.setSeq.run(seq, tenantId);
  });

  return { id: tenantId, domain: options.domain, displayName: options.displayName, sizes, startMs, endMs };
}
