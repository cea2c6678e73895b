import type { Container } from '@azure/cosmos';
import type {
  ChatInput,
  ChatMemberInput,
  ChatMemberRecord,
  ChatRecord,
  MembersChange,
  Page,
  PageOptions,
  PinnedMessageInput,
  PinnedSnapshot,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { ChatStore } from '../backup-store';
import { applyMemberSnapshot, mergeChat } from '../chat-history';
import { pageLimit } from '../paging';
import {
  createDoc,
  docId,
  forEachLimited,
  queryAll,
  queryPage,
  readDoc,
  replaceDoc,
  updateDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';

type ChatDoc = Doc & ChatRecord & { type: 'chat' };
type MemberDoc = Doc & ChatMemberRecord & { type: 'member' };
type PinnedDoc = Doc & PinnedSnapshot & { type: 'pinned' };

const chatDocId = (chatId: string) => docId('chat', chatId);
const memberDocId = (chatId: string, userId: string) => docId('member', chatId, userId);
const pinnedDocId = (chatId: string) => docId('pinned', chatId);

export class CosmosChatStore implements ChatStore {
  constructor(private readonly container: Container) {}

  async upsertChats(tenantId: string, chats: ChatInput[], seenAt: string): Promise<void> {
    await forEachLimited(chats, 16, (chat) =>
      updateDoc<ChatDoc>(this.container, chatDocId(chat.chatId), tenantId, (current) => {
        const merged = mergeChat(tenantId, current && toChat(current), chat, seenAt);
        return merged && { id: chatDocId(chat.chatId), type: 'chat', ...merged };
      }),
    );
  }

  async getChat(tenantId: string, chatId: string): Promise<ChatRecord | undefined> {
    const doc = await readDoc<ChatDoc>(this.container, chatDocId(chatId), tenantId);
    return doc && toChat(doc);
  }

  async listChats(
    tenantId: string,
    options: PageOptions & { memberUserId?: string; currentOnly?: boolean } = {},
  ): Promise<Page<ChatRecord>> {
    const limit = pageLimit(options.limit);
    if (options.memberUserId === undefined) {
      const page = await queryPage<ChatDoc>(
        this.container,
        {
          query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'chat' ORDER BY c.chatId",
          parameters: [{ name: '@t', value: tenantId }],
        },
        { partitionKey: tenantId, limit, cursor: options.cursor },
      );
      return { ...page, items: page.items.map(toChat) };
    }
    // Page through the user's member records, then fetch that page's chats in one query.
    const memberships = await queryPage<{ chatId: string }>(
      this.container,
      {
        query: `SELECT c.chatId FROM c WHERE c.tenantId = @t AND c.type = 'member' AND c.userId = @u
                ${options.currentOnly ? 'AND c.present = true' : ''} ORDER BY c.chatId`,
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@u', value: options.memberUserId },
        ],
      },
      { partitionKey: tenantId, limit, cursor: options.cursor },
    );
    const ids = memberships.items.map((m) => m.chatId);
    const docs =
      ids.length === 0
        ? []
        : await queryAll<ChatDoc>(
            this.container,
            {
              query:
                "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'chat' AND ARRAY_CONTAINS(@ids, c.chatId)",
              parameters: [
                { name: '@t', value: tenantId },
                { name: '@ids', value: ids },
              ],
            },
            tenantId,
          );
    const byId = new Map(docs.map((d) => [d.chatId, toChat(d)]));
    const items = ids.flatMap((id) => byId.get(id) ?? []);
    return memberships.next ? { items, next: memberships.next } : { items };
  }

  async recordMembers(
    tenantId: string,
    chatId: string,
    members: ChatMemberInput[],
    seenAt: string,
  ): Promise<MembersChange> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const docs = await this.memberDocs(tenantId, chatId);
      const etags = new Map(docs.map((d) => [d.userId, d._etag!]));
      const { changed, ...change } = applyMemberSnapshot(
        tenantId,
        chatId,
        docs.map(toMember),
        members,
        seenAt,
      );
      const written = await forEachLimited(changed, 16, (record) => {
        const doc: MemberDoc = { id: memberDocId(chatId, record.userId), type: 'member', ...record };
        const etag = etags.get(record.userId);
        return etag === undefined
          ? createDoc(this.container, doc)
          : replaceDoc(this.container, doc, tenantId, etag);
      });
      // Another snapshot of the chat was written meanwhile: apply ours to what it left.
      if (written.every((etag) => etag !== undefined)) return change;
    }
    throw new BackupStoreError('contention', `The members of chat ${chatId} kept changing; try again.`);
  }

  async getMembers(tenantId: string, chatId: string): Promise<ChatMemberRecord[]> {
    return (await this.memberDocs(tenantId, chatId)).map(toMember);
  }

  async putPinnedMessages(
    tenantId: string,
    chatId: string,
    pinned: PinnedMessageInput[],
    seenAt: string,
  ): Promise<boolean> {
    const { written } = await updateDoc<PinnedDoc>(
      this.container,
      pinnedDocId(chatId),
      tenantId,
      (current) =>
        current && current.seenAt > seenAt
          ? undefined
          : { id: pinnedDocId(chatId), type: 'pinned', tenantId, chatId, seenAt, pinned },
    );
    return written;
  }

  async getPinnedMessages(tenantId: string, chatId: string): Promise<PinnedSnapshot | undefined> {
    const doc = await readDoc<PinnedDoc>(this.container, pinnedDocId(chatId), tenantId);
    return doc && withoutFields<PinnedSnapshot>(doc, 'id', 'type');
  }

  private async memberDocs(tenantId: string, chatId: string): Promise<MemberDoc[]> {
    const docs = await queryAll<MemberDoc>(
      this.container,
      {
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'member' AND c.chatId = @c",
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@c', value: chatId },
        ],
      },
      tenantId,
    );
    return docs.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }
}

function toChat(doc: ChatDoc): ChatRecord {
  return withoutFields<ChatRecord>(doc, 'id', 'type');
}

function toMember(doc: MemberDoc): ChatMemberRecord {
  return withoutFields<ChatMemberRecord>(doc, 'id', 'type');
}
