import type { ChatMemberRecord, ChatRecord } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import type { MessageHistory } from '../../store/recovery-records';
import type { RecoveryStore } from '../../store/recovery-store';
import { chatAt } from '../transcript/chat-view';

/** What an export shows of each chat: the moment, and a creation range of messages. */
export interface ExportBounds {
  at?: string;
  createdFrom?: string;
  createdBefore?: string;
}

/** Messages read per store call: a page of whole messages, whatever the chat's size. */
const PAGE = 200;

/**
 * One chat to export: its record and members as of the moment, and its messages page by page in
 * creation order. The first page is read when the source opens, so that an export can leave out a
 * chat with nothing in its bounds before writing anything of it.
 */
export class ChatSource {
  private constructor(
    readonly tenantId: string,
    readonly chat: ChatRecord,
    readonly members: ChatMemberRecord[],
    /** Members as stored (with every name), for naming people. */
    readonly storedMembers: ChatMemberRecord[],
    private readonly recovery: Pick<RecoveryStore, 'readChatMessages'>,
    private readonly bounds: ExportBounds,
    private first: { messages: MessageHistory[]; more: boolean } | undefined,
  ) {}

  static async open(
    stores: { backup: Pick<BackupStore, 'getMembers'>; recovery: Pick<RecoveryStore, 'readChatMessages'> },
    tenantId: string,
    record: ChatRecord,
    bounds: ExportBounds,
    /** The chat's stored members, when the caller has read them already. */
    storedMembers?: ChatMemberRecord[],
  ): Promise<ChatSource> {
    const stored = storedMembers ?? (await stores.backup.getMembers(tenantId, record.chatId));
    const { chat, members } = chatAt(record, stored, bounds.at);
    const first = await stores.recovery.readChatMessages(tenantId, record.chatId, {
      order: 'oldest-first',
      limit: PAGE,
      ...bounds,
    });
    return new ChatSource(tenantId, chat, members, stored, stores.recovery, bounds, first);
  }

  get isEmpty(): boolean {
    return this.first !== undefined && this.first.messages.length === 0;
  }

  /** Every message in bounds, oldest first; read once. */
  async *messages(): AsyncGenerator<MessageHistory> {
    let page = this.first;
    this.first = undefined;
    if (!page) throw new Error('A chat source is read once.');
    for (;;) {
      yield* page.messages;
      if (!page.more || page.messages.length === 0) return;
      const from = page.messages[page.messages.length - 1]!.messageId;
      page = await this.recovery.readChatMessages(this.tenantId, this.chat.chatId, {
        order: 'oldest-first',
        limit: PAGE,
        from,
        ...this.bounds,
      });
    }
  }
}

/** Counts of what an export of one chat wrote. */
export interface ChatCounts {
  messages: number;
  versions: number;
  hostedContents: number;
}
