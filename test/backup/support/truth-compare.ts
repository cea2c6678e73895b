import { isDeepStrictEqual } from 'node:util';
import type { BlobStore } from '../../../backend/blobs/blob-store';
import type { BackupStore } from '../../../backend/store/backup-store';
import type { StoredMessageVersion } from '../../../backend/store/backup-records';
import type { SimulatorHandle } from '../../../simulator/server';

/** Graph stops serving a deleted message 21 days after its deletion [GRAPH-FACTS]. */
const DELETED_READABLE_MS = 21 * 86_400_000;

/** What the tenant held at one moment: each readable message's state, by `chatId|messageId`. */
export interface TruthSnapshot {
  takenAt: number;
  messages: Map<
    string,
    {
      etag: string;
      json: Record<string, unknown>;
      deleted: boolean;
      hosted: { id: string; sha256: string }[];
    }
  >;
}

/**
 * The simulator's ground truth as a backup could have seen it: every message Graph still serves
 * (deleted ones only within their 21 days), in the JSON Graph serves at the simulator's address.
 */
export function truthSnapshot(sim: SimulatorHandle, tenantId: string): TruthSnapshot {
  const now = sim.state.clock.now();
  const messages: TruthSnapshot['messages'] = new Map();
  for (const truth of sim.state.exportTruth(tenantId, { baseUrl: sim.graphBaseUrl })) {
    if (truth.deleted && truth.lastModifiedMs < now - DELETED_READABLE_MS) continue;
    const json = JSON.parse(truth.json) as Record<string, unknown>;
    messages.set(`${truth.chatId}|${truth.id}`, {
      etag: String(json['etag']),
      json,
      deleted: truth.deleted,
      hosted: truth.hostedContents.map((h) => ({ id: h.id, sha256: h.sha256 })),
    });
  }
  return { takenAt: now, messages };
}

export interface StoredMessages {
  /** Every version of every message, by `chatId|messageId`, oldest first. */
  versions: Map<string, StoredMessageVersion[]>;
}

export async function storedMessages(store: BackupStore, tenantId: string): Promise<StoredMessages> {
  const versions = new Map<string, StoredMessageVersion[]>();
  for await (const version of store.iterateVersions(tenantId)) {
    const key = `${version.chatId}|${version.messageId}`;
    const list = versions.get(key);
    if (list) list.push(version);
    else versions.set(key, [version]);
  }
  return { versions };
}

/** The message as Graph sent it, without the type annotation only the export API adds. */
export function comparableMessage(message: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...message };
  delete copy['@odata.type'];
  return copy;
}

/**
 * Every difference between what the store holds and what the tenant held at each backup: a
 * message missing, a state seen at a backup and not stored, a latest state that differs from the
 * tenant's current one, a deletion not recorded, a hosted content not stored byte for byte.
 * Empty when the backup is faithful.
 */
export async function differences(params: {
  sim: SimulatorHandle;
  tenantId: string;
  store: BackupStore;
  blobs: BlobStore;
  /** Snapshots taken right after each backup (the tenant did not change during one). */
  seenAtBackups: TruthSnapshot[];
}): Promise<string[]> {
  const { sim, tenantId, store, blobs } = params;
  const problems: string[] = [];
  const stored = await storedMessages(store, tenantId);
  const current = params.seenAtBackups[params.seenAtBackups.length - 1]!;

  for (const [key, truth] of current.messages) {
    const versions = stored.versions.get(key);
    if (!versions) {
      problems.push(`missing message ${key}`);
      continue;
    }
    const [chatId, messageId] = key.split('|') as [string, string];
    const heads = await store.getMessageHeads(tenantId, chatId, [messageId]);
    const head = heads.get(messageId);
    const latest = versions.find((v) => v.versionKey === head?.latestVersionKey);
    if (!head || !latest) {
      problems.push(`no head for ${key}`);
      continue;
    }
    if (!isDeepStrictEqual(comparableMessage(latest.message), truth.json)) {
      problems.push(`latest state of ${key} differs from the tenant's`);
    }
    if (truth.deleted && (!head.deleted || !head.firstSeenDeletedAt))
      problems.push(`deletion of ${key} not recorded`);
    if (!truth.deleted && head.deleted) problems.push(`${key} recorded as deleted`);
    for (const hosted of truth.hosted) {
      const ref = latest.hostedContents.find((h) => h.id === hosted.id);
      if (!ref) {
        problems.push(`hosted content ${hosted.id} of ${key} not recorded`);
        continue;
      }
      if (ref.sha256 !== hosted.sha256)
        problems.push(`hosted content ${hosted.id} of ${key} has hash ${ref.sha256}`);
      const expected = sim.state.readBlob(hosted.sha256)!.bytes;
      const bytes = await blobs.getBuffer(tenantId, ref.sha256).catch(() => undefined);
      if (!bytes || !bytes.equals(expected)) problems.push(`blob ${ref.sha256} of ${key} is not byte-exact`);
    }
  }
  for (const key of stored.versions.keys()) {
    if (!current.messages.has(key) && !purgedFromTruth(sim, tenantId, key))
      problems.push(`extra message ${key}`);
  }
  for (const snapshot of params.seenAtBackups) {
    for (const [key, truth] of snapshot.messages) {
      const versions = stored.versions.get(key) ?? [];
      if (!versions.some((v) => v.etag === truth.etag)) {
        problems.push(`state ${truth.etag} of ${key} seen at a backup was not stored`);
      }
    }
  }
  for (const [key, versions] of stored.versions) {
    const keys = versions.map((v) => v.versionKey);
    if (new Set(keys).size !== keys.length) problems.push(`duplicate versions of ${key}`);
  }
  return problems;
}

/** A message the tenant holds but Graph no longer serves (deleted more than 21 days ago). */
function purgedFromTruth(sim: SimulatorHandle, tenantId: string, key: string): boolean {
  const [chatId, messageId] = key.split('|') as [string, string];
  return sim.state.findMessage(tenantId, chatId, messageId) !== undefined;
}
