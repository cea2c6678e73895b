import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ChatExportDocument } from '../../../backend/recovery/export/export-schema';
import type { SimulatorHandle } from '../../../simulator/server';
import { comparableMessage, type TruthSnapshot } from '../../backup/support/truth-compare';

/**
 * Every difference between JSON exports of a tenant and the simulator's ground truth as the backups
 * saw it: a message missing from the export, a state seen at a backup that the export lacks, a
 * latest state other than the tenant's, a deletion not marked, a hosted content missing or whose
 * bytes (decoded from the export) differ from the simulator's by hash. Empty when the round trip
 * backup → store → export is faithful.
 */
export function exportDifferences(params: {
  sim: SimulatorHandle;
  documents: ChatExportDocument[];
  seenAtBackups: TruthSnapshot[];
}): string[] {
  const problems: string[] = [];
  const messages = new Map<string, ChatExportDocument['messages'][number]>();
  const blobs = new Map<string, Buffer>();
  for (const document of params.documents) {
    for (const message of document.messages)
      messages.set(`${document.chat.chatId}|${message.messageId}`, message);
    for (const hosted of document.hostedContents) {
      const bytes = Buffer.from(hosted.base64, 'base64');
      if (createHash('sha256').update(bytes).digest('hex') !== hosted.sha256)
        problems.push(`hosted content ${hosted.sha256} does not hash to its name`);
      if (bytes.length !== hosted.size)
        problems.push(`hosted content ${hosted.sha256} has ${bytes.length} bytes`);
      blobs.set(hosted.sha256, bytes);
    }
  }

  const current = params.seenAtBackups[params.seenAtBackups.length - 1]!;
  for (const [key, truth] of current.messages) {
    const exported = messages.get(key);
    if (!exported) {
      problems.push(`message ${key} missing from the export`);
      continue;
    }
    const latest = exported.versions.find((v) => v.versionKey === exported.latestVersionKey);
    if (!latest || !isDeepStrictEqual(comparableMessage(latest.message), truth.json))
      problems.push(`latest state of ${key} differs from the tenant's`);
    if (truth.deleted !== exported.deleted) problems.push(`deletion of ${key}: exported ${exported.deleted}`);
    if (truth.deleted && !exported.firstSeenDeletedAt) problems.push(`deletion of ${key} has no time`);
    for (const hosted of truth.hosted) {
      const ref = latest?.hostedContents.find((h) => h.id === hosted.id);
      if (!ref || ref.sha256 !== hosted.sha256) {
        problems.push(`hosted content ${hosted.id} of ${key} not exported under its hash`);
        continue;
      }
      const bytes = blobs.get(ref.sha256);
      const expected = params.sim.state.readBlob(hosted.sha256)?.bytes;
      if (!bytes || !expected || !bytes.equals(expected))
        problems.push(`image ${ref.sha256} of ${key} is not byte-exact`);
    }
  }
  for (const snapshot of params.seenAtBackups) {
    for (const [key, truth] of snapshot.messages) {
      const exported = messages.get(key);
      const version = exported?.versions.find((v) => v.etag === truth.etag);
      if (!version) {
        problems.push(`state ${truth.etag} of ${key} seen at a backup is not exported`);
        continue;
      }
      if (!isDeepStrictEqual(comparableMessage(version.message), truth.json))
        problems.push(`state ${truth.etag} of ${key} differs from what the tenant served`);
    }
  }
  for (const [key, exported] of messages) {
    if (!current.messages.has(key) && !params.seenAtBackups.some((s) => s.messages.has(key)))
      problems.push(`exported message ${key} was never in the tenant`);
    const keys = exported.versions.map((v) => v.versionKey);
    if (new Set(keys).size !== keys.length) problems.push(`duplicate versions of ${key}`);
    for (const version of exported.versions)
      for (const ref of version.hostedContents)
        if (!blobs.has(ref.sha256))
          problems.push(`hosted content ${ref.sha256} of ${key} has no bytes in the export`);
  }
  return problems;
}
