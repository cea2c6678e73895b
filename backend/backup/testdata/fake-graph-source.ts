import {
  GraphReadError,
  type GraphChat,
  type GraphChatMember,
  type GraphChatMessage,
  type GraphRequestCounts,
  type GraphUser,
  type HostedContentBytes,
  type ModifiedWindow,
  type ReadOptions,
  type TenantGraphSource,
} from '../../graph/tenant-graph-source';

/**
 * A tenant in memory behind exactly the Graph reads the engine makes, for unit tests: it pages like
 * Graph (50 a page), filters windows on `lastModifiedDateTime`, refuses unlicensed users with 403,
 * and records every call so a test can count them.
 */
export class FakeGraphSource implements TenantGraphSource {
  readonly users_: (GraphUser & { licensed?: boolean })[] = [];
  readonly chats = new Map<string, { chat: GraphChat; members: string[]; messages: GraphChatMessage[] }>();
  readonly pins = new Map<string, string[]>();
  readonly hosted = new Map<string, HostedContentBytes>();
  /** Entra groups by id: their transitive user members (nesting already expanded). */
  readonly groups = new Map<string, string[]>();
  readonly calls: string[] = [];
  /** Called before each call is answered; a test throws from it to inject a failure. */
  beforeCall: (call: string) => void = () => undefined;
  private clock = 0;
  private changes = 0;

  addUser(id: string, options: { licensed?: boolean; enabled?: boolean } = {}): void {
    this.users_.push({
      id,
      userPrincipalName: `${id}@example.test`,
      displayName: id,
      accountEnabled: options.enabled ?? true,
      licensed: options.licensed ?? true,
    });
  }

  addChat(id: string, members: string[], chatType: GraphChat['chatType'] = 'group'): void {
    const at = this.tick();
    this.chats.set(id, {
      chat: { id, chatType, topic: null, createdDateTime: at, lastUpdatedDateTime: at, webUrl: null },
      members,
      messages: [],
    });
  }

  /**
   * Posts (or, with an existing id, changes) a message; every change gets a new etag and time: now,
   * or `at` for history seeded before a test's first backup.
   */
  post(
    chatId: string,
    message: Partial<GraphChatMessage> & { id: string },
    at = this.tick(),
  ): GraphChatMessage {
    const chat = this.chats.get(chatId)!;
    const index = chat.messages.findIndex((m) => m.id === message.id);
    const previous = index >= 0 ? chat.messages[index] : undefined;
    const next: GraphChatMessage = {
      chatId,
      messageType: 'message',
      createdDateTime: previous?.createdDateTime ?? at,
      deletedDateTime: null,
      from: { user: { id: chat.members[0] } },
      body: { contentType: 'text', content: 'hello' },
      ...previous,
      ...message,
      etag: String(++this.changes),
      lastModifiedDateTime: at,
    };
    if (index >= 0) chat.messages[index] = next;
    else chat.messages.push(next);
    return next;
  }

  counts(): GraphRequestCounts {
    return { requests: this.calls.length, throttled: 0, retried: 0, byClass: {} };
  }

  users(): AsyncIterable<GraphUser[]> {
    return this.pages('users', () => this.users_.map(({ licensed: _licensed, ...user }) => user));
  }

  userChats(userId: string): AsyncIterable<GraphChat[]> {
    return this.pages(`userChats ${userId}`, () => {
      this.requireLicensed(userId);
      return [...this.chats.values()]
        .filter((c) => c.members.includes(userId))
        .map((c) => ({ ...c.chat, members: c.members.map((m) => this.member(m)) }));
    });
  }

  async chatMembers(chatId: string): Promise<GraphChatMember[]> {
    this.record(`chatMembers ${chatId}`);
    return (this.chats.get(chatId)?.members ?? []).map((m) => this.member(m));
  }

  allMessages(
    userId: string,
    window: ModifiedWindow,
    _options?: ReadOptions,
  ): AsyncIterable<GraphChatMessage[]> {
    return this.pages(`allMessages ${userId}`, () => {
      this.requireLicensed(userId);
      return [...this.chats.values()]
        .filter((c) => c.members.includes(userId))
        .flatMap((c) => c.messages.filter((m) => inWindow(m, window)));
    });
  }

  chatMessages(chatId: string, window: ModifiedWindow): AsyncIterable<GraphChatMessage[]> {
    return this.pages(`chatMessages ${chatId}`, () =>
      (this.chats.get(chatId)?.messages ?? [])
        .filter((m) => inWindow(m, window))
        .map(({ chatId: _c, ...m }) => ({ ...m, chatId: null })),
    );
  }

  groupUserMembers(groupId: string): AsyncIterable<{ id: string }[]> {
    return this.pages(`groupUserMembers ${groupId}`, () => {
      const members = this.groups.get(groupId);
      if (!members) throw new GraphReadError('not_found', `no group ${groupId}`, 404);
      return members.map((id) => ({ id }));
    });
  }

  async pinnedMessages(chatId: string): Promise<{ id: string; message: GraphChatMessage | null }[]> {
    this.record(`pinnedMessages ${chatId}`);
    const messages = this.chats.get(chatId)?.messages ?? [];
    return (this.pins.get(chatId) ?? []).map((id) => ({
      id,
      message: messages.find((m) => m.id === id) ?? null,
    }));
  }

  async hostedContent(
    chatId: string,
    messageId: string,
    hostedContentId: string,
  ): Promise<HostedContentBytes> {
    this.record(`hostedContent ${chatId} ${messageId} ${hostedContentId}`);
    const found = this.hosted.get(hostedContentId);
    if (!found) throw new GraphReadError('not_found', `no hosted content ${hostedContentId}`, 404);
    return found;
  }

  private member(userId: string): GraphChatMember {
    return { id: `m-${userId}`, userId, displayName: userId, roles: ['owner'], tenantId: 'tenant' };
  }

  private requireLicensed(userId: string): void {
    const user = this.users_.find((u) => u.id === userId);
    if (!user) throw new GraphReadError('not_found', `no user ${userId}`, 404);
    if (!user.licensed) throw new GraphReadError('forbidden', `user ${userId} has no Teams license`, 403);
  }

  private record(call: string): void {
    this.calls.push(call);
    this.beforeCall(call);
  }

  private async *pages<T>(call: string, items: () => T[]): AsyncGenerator<T[]> {
    this.record(call);
    const all = items();
    for (let i = 0; i === 0 || i < all.length; i += 50) {
      if (i > 0) this.record(`${call} (next page)`);
      yield all.slice(i, i + 50);
    }
  }

  /** Graph stamps changes with its own time. */
  private tick(): string {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock).toISOString();
  }
}

function inWindow(message: GraphChatMessage, window: ModifiedWindow): boolean {
  const at = message.lastModifiedDateTime ?? message.createdDateTime;
  return (
    (window.after === undefined || at > window.after) && (window.before === undefined || at < window.before)
  );
}
