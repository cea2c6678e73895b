import type { GraphChatMessage } from '../../graph/tenant-graph-source';
import type { HostedContentRef, MessageVersion } from '../../store/backup-records';
import { messageVersionId } from '../../store/message-heads';

/** What a fetched message is, before its hosted contents are captured. */
export interface FetchedMessage {
  chatId: string;
  message: GraphChatMessage;
  /** `messageVersionId` of the state fetched: the same state always has the same id. */
  versionId: string;
}

/**
 * The chat a message belongs to: Graph sets `chatId` on chat messages; a per-chat listing knows it
 * anyway. Undefined when neither says (the message cannot be filed and is reported).
 */
export function fetchedMessage(
  message: GraphChatMessage,
  listingChatId?: string,
): FetchedMessage | undefined {
  const chatId = message.chatId ?? listingChatId;
  if (!chatId || typeof message.id !== 'string' || message.id === '') return undefined;
  return {
    chatId,
    message,
    versionId: messageVersionId({
      chatId,
      messageId: message.id,
      etag: message.etag ?? null,
      lastModifiedDateTime: message.lastModifiedDateTime ?? null,
      createdDateTime: message.createdDateTime,
    }),
  };
}

/** The version to store: the message exactly as received, with what the store indexes beside it. */
export function toMessageVersion(
  fetched: FetchedMessage,
  capture: { runId: string; capturedAt: string; hostedContents: HostedContentRef[] },
): MessageVersion {
  const { message } = fetched;
  return {
    chatId: fetched.chatId,
    messageId: message.id,
    etag: message.etag ?? null,
    lastModifiedDateTime: message.lastModifiedDateTime ?? null,
    createdDateTime: message.createdDateTime,
    deletedDateTime: message.deletedDateTime ?? null,
    fromUserId: message.from?.user?.id ?? null,
    messageType: message.messageType,
    capturedAt: capture.capturedAt,
    runId: capture.runId,
    message: message as Record<string, unknown>,
    hostedContents: capture.hostedContents,
  };
}
