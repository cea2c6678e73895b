import type { BlobStore } from '../../../backend/blobs/blob-store';
import type { BackupStore } from '../../../backend/store/backup-store';

/**
 * What a backup store holds for a tenant, without the times and run ids that differ from one run to
 * another (when something was captured or seen): two stores with equal snapshots hold the same
 * backup. Used to show that a run killed and resumed ends exactly where an uninterrupted one does.
 */
export async function storeSnapshot(
  store: BackupStore,
  blobs: BlobStore,
  tenantId: string,
): Promise<unknown> {
  const versions: unknown[] = [];
  const messages = new Map<string, string[]>();
  for await (const v of store.iterateVersions(tenantId)) {
    versions.push({
      chatId: v.chatId,
      messageId: v.messageId,
      versionKey: v.versionKey,
      versionId: v.versionId,
      deletedDateTime: v.deletedDateTime,
      message: v.message,
      hostedContents: v.hostedContents,
    });
    const list = messages.get(v.chatId) ?? [];
    list.push(v.messageId);
    messages.set(v.chatId, list);
  }
  const heads: unknown[] = [];
  for (const [chatId, ids] of messages) {
    const found = await store.getMessageHeads(tenantId, chatId, [...new Set(ids)]);
    for (const head of [...found.values()].sort((a, b) => (a.messageId < b.messageId ? -1 : 1))) {
      heads.push({
        chatId,
        messageId: head.messageId,
        latest: head.latestVersionKey,
        deleted: head.deleted,
        versions: head.versions.map((v) => v.versionKey),
      });
    }
  }
  const chats: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listChats(tenantId, { limit: 1000, cursor });
    for (const chat of page.items) {
      const members = await store.getMembers(tenantId, chat.chatId);
      const pinned = await store.getPinnedMessages(tenantId, chat.chatId);
      chats.push({
        chatId: chat.chatId,
        raw: chat.raw,
        topics: chat.topicHistory.map((t) => t.topic),
        members: members.map((m) => ({ userId: m.userId, present: m.present, periods: m.periods.length })),
        pinned: pinned?.pinned.map((p) => p.messageId).sort() ?? [],
      });
    }
    cursor = page.next;
  } while (cursor);
  const users = (await store.listUsers(tenantId, { limit: 1000 })).items.map((u) => ({
    userId: u.userId,
    state: u.state,
  }));
  const blobList: string[] = [];
  for await (const entry of blobs.list(tenantId)) blobList.push(entry.sha256);
  return {
    versions,
    heads,
    chats,
    users,
    blobs: blobList.sort(),
    counts: await store.countMessages(tenantId),
  };
}
