/**
 * What the backup engine reads from Microsoft Graph for one tenant, and nothing more: the engine
 * is tested against exactly these calls (a fake in unit tests, the simulator end to end). The
 * implementation paces every request to Microsoft's documented limits, honours Retry-After and
 * backs off with jitter, so a caller never sees a 429: it sees a slower page.
 */

/** The fields of a Graph `user` the engine uses. */
export interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
}

/** A Graph `aadUserConversationMember`, as `$expand=members` and `/chats/{id}/members` return it. */
export interface GraphChatMember {
  id: string;
  userId?: string | null;
  displayName?: string | null;
  email?: string | null;
  tenantId?: string | null;
  roles?: string[];
  visibleHistoryStartDateTime?: string | null;
  [key: string]: unknown;
}

/** A Graph `chat`. `members` is present only when expanded, and then holds at most 25 members. */
export interface GraphChat {
  id: string;
  chatType: 'oneOnOne' | 'group' | 'meeting' | 'unknownFutureValue' | string;
  topic: string | null;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  webUrl?: string | null;
  members?: GraphChatMember[];
  [key: string]: unknown;
}

/** A Graph `chatMessage`, kept exactly as received: only the fields the engine reads are typed. */
export interface GraphChatMessage {
  id: string;
  chatId: string | null;
  etag?: string | null;
  messageType: string;
  createdDateTime: string;
  lastModifiedDateTime: string | null;
  deletedDateTime: string | null;
  from: { user?: { id?: string | null } | null; application?: unknown; device?: unknown } | null;
  body: { contentType: 'text' | 'html' | string; content: string | null };
  [key: string]: unknown;
}

/** A time window on `lastModifiedDateTime`, both ends exclusive as Graph's `gt`/`lt` filters are. */
export interface ModifiedWindow {
  after?: string;
  before?: string;
}

export interface HostedContentBytes {
  bytes: Buffer;
  contentType: string;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

/** Why a read failed after pacing and retries: the engine branches on `reason`, never on text. */
export type GraphReadFailure =
  | 'not_found' // the user/chat/message is gone (or never existed)
  | 'forbidden' // 403: a permission is missing or consent was revoked
  | 'unauthorized' // the token was refused, or no token could be had (secret expired or rotated)
  | 'unlicensed' // the user has no Teams license: Graph answers their chats with an error
  | 'bad_request' // Graph refused the request's shape: a bug of ours, never retried
  | 'unavailable' // 5xx or network errors that outlasted the retries
  | 'cancelled'; // the caller's AbortSignal fired

export class GraphReadError extends Error {
  constructor(
    readonly reason: GraphReadFailure,
    message: string,
    readonly status?: number,
    readonly graphCode?: string,
  ) {
    super(message);
    this.name = 'GraphReadError';
  }
}

/** Requests made and 429s met, by Graph's endpoint class, for the run record and benchmarks. */
export interface GraphRequestCounts {
  requests: number;
  throttled: number;
  retried: number;
  byClass: Record<string, { requests: number; throttled: number }>;
}

export interface TenantGraphSource {
  /** Every user of the tenant, page by page (`GET /users`). */
  users(options?: ReadOptions): AsyncIterable<GraphUser[]>;
  /** One user's chats with up to 25 members expanded (`GET /users/{id}/chats?$expand=members`). */
  userChats(userId: string, options?: ReadOptions): AsyncIterable<GraphChat[]>;
  /** All members of a chat, for chats past the 25-member cap of `$expand` (`GET /chats/{id}/members`). */
  chatMembers(chatId: string, options?: ReadOptions): Promise<GraphChatMember[]>;
  /** Every message of every chat the user is in, modified within the window (`getAllMessages`). */
  allMessages(
    userId: string,
    window: ModifiedWindow,
    options?: ReadOptions,
  ): AsyncIterable<GraphChatMessage[]>;
  /** Every message of one chat modified within the window (`GET /chats/{id}/messages`). */
  chatMessages(
    chatId: string,
    window: ModifiedWindow,
    options?: ReadOptions,
  ): AsyncIterable<GraphChatMessage[]>;
  /** The pinned messages of a chat, with the message expanded. */
  pinnedMessages(
    chatId: string,
    options?: ReadOptions,
  ): Promise<{ id: string; message: GraphChatMessage | null }[]>;
  /**
   * The user members of an Entra group, nested groups expanded, page by page
   * (`GET /groups/{id}/transitiveMembers/microsoft.graph.user`): a scope that names groups. Needs
   * GroupMember.Read.All (or a broader group or directory role) in the token.
   */
  groupUserMembers(groupId: string, options?: ReadOptions): AsyncIterable<{ id: string }[]>;
  /** An inline image or other hosted content (`.../hostedContents/{id}/$value`). */
  hostedContent(
    chatId: string,
    messageId: string,
    hostedContentId: string,
    options?: ReadOptions,
  ): Promise<HostedContentBytes>;
  counts(): GraphRequestCounts;
}
