import type { BlobStore } from '../../blobs/blob-store';
import type { ChatMemberRecord, ChatRecord } from '../../store/backup-records';
import { mergeHead } from '../../store/message-heads';
import type { MessageHistory } from '../../store/recovery-records';
import { base64Chunks } from './base64-chunks';
import type { ChatCounts, ChatSource, ExportBounds } from './chat-source';
import {
  CHAT_EXPORT_FORMAT,
  CHAT_EXPORT_VERSION,
  type ExportedChat,
  type ExportedMember,
  type ExportedMessage,
} from './export-schema';

/**
 * One chat as a version 1 JSON export (export-schema.ts), written as it is read: the document's
 * head, then each message as its page arrives, then each hosted content's bytes streamed in base64.
 * Memory holds one page of messages and the set of hashes met, whatever the chat's size.
 */
export async function* jsonChatExport(
  source: ChatSource,
  blobs: Pick<BlobStore, 'get'>,
  meta: { exportedAt: string; bounds: ExportBounds },
  counts: ChatCounts,
): AsyncGenerator<string> {
  const head = {
    format: CHAT_EXPORT_FORMAT,
    version: CHAT_EXPORT_VERSION,
    exportedAt: meta.exportedAt,
    tenantId: source.tenantId,
    pointInTime: meta.bounds.at ?? null,
    createdFrom: meta.bounds.createdFrom ?? null,
    createdBefore: meta.bounds.createdBefore ?? null,
    chat: exportedChat(source.chat),
    members: source.members.map(exportedMember),
  };
  const opening = JSON.stringify(head);
  // The head's closing brace gives way to the streamed arrays.
  yield `${opening.slice(0, -1)},"messages":[`;

  const hosted = new Map<string, { contentType: string; size: number }>();
  let first = true;
  for await (const history of source.messages()) {
    for (const version of history.versions) {
      for (const ref of version.hostedContents) {
        if (!hosted.has(ref.sha256)) hosted.set(ref.sha256, { contentType: ref.contentType, size: ref.size });
      }
    }
    counts.messages++;
    counts.versions += history.versions.length;
    yield `${first ? '' : ','}\n${JSON.stringify(exportedMessage(history))}`;
    first = false;
  }

  yield '\n],"hostedContents":[';
  first = true;
  for (const [sha256, { contentType, size }] of [...hosted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const prefix = JSON.stringify({ sha256, contentType, size, base64: '' }).slice(0, -2);
    yield `${first ? '' : ','}\n${prefix}`;
    yield* base64Chunks(await blobs.get(source.tenantId, sha256));
    yield '"}';
    counts.hostedContents++;
    first = false;
  }
  yield `\n],"counts":${JSON.stringify(counts)}}\n`;
}

function exportedChat(chat: ChatRecord): ExportedChat {
  return {
    chatId: chat.chatId,
    chatType: chat.chatType,
    topic: chat.topic,
    topicHistory: chat.topicHistory,
    createdDateTime: chat.createdDateTime,
    lastUpdatedDateTime: chat.lastUpdatedDateTime,
    webUrl: chat.webUrl,
    firstSeenAt: chat.firstSeenAt,
    lastSeenAt: chat.lastSeenAt,
    graph: chat.raw,
  };
}

function exportedMember(member: ChatMemberRecord): ExportedMember {
  return {
    userId: member.userId,
    displayName: member.displayName,
    email: member.email,
    roles: member.roles,
    memberTenantId: member.memberTenantId,
    visibleHistoryStartDateTime: member.visibleHistoryStartDateTime,
    present: member.present,
    firstSeenAt: member.firstSeenAt,
    periods: member.periods,
  };
}

function exportedMessage(history: MessageHistory): ExportedMessage {
  const head = mergeHead(history.tenantId, undefined, history.versions).head;
  const latest = history.versions.find((v) => v.versionKey === head.latestVersionKey)!;
  return {
    messageId: history.messageId,
    createdDateTime: latest.createdDateTime,
    fromUserId: head.fromUserId,
    messageType: latest.messageType,
    latestVersionKey: head.latestVersionKey,
    deleted: head.deleted,
    deletedDateTime: head.deletedDateTime,
    firstSeenDeletedAt: head.firstSeenDeletedAt,
    versions: history.versions.map((v) => ({
      versionKey: v.versionKey,
      etag: v.etag,
      lastModifiedDateTime: v.lastModifiedDateTime,
      deletedDateTime: v.deletedDateTime,
      capturedAt: v.capturedAt,
      runId: v.runId,
      hostedContents: v.hostedContents.map((h) => ({
        id: h.id,
        sha256: h.sha256,
        contentType: h.contentType,
        size: h.size,
      })),
      message: v.message,
    })),
  };
}
