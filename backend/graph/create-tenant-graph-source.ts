import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { silentLogger, type Logger } from '../observability/logger';
import { DEFAULT_ADAPTIVE_RATE, type AdaptiveRateOptions } from './adaptive-rate';
import { GraphPacer } from './graph-pacer';
import { allItems, collectionPages } from './graph-pages';
import { resolveGraphLimits, type GraphCallClass, type GraphRateLimitsChange } from './graph-rate-limits';
import { groupUserMemberPages } from './group-member-pages';
import { graphReadError } from './graph-read-failures';
import { GraphRequestCounter, type PacedGraphRequestCounts } from './graph-request-counter';
import { GraphTransport } from './graph-transport';
import {
  DEFAULT_RETRY_POLICY,
  PacedGraphRequester,
  type GraphCall,
  type RetryPolicy,
} from './paced-graph-requester';
import type {
  GraphChat,
  GraphChatMember,
  GraphChatMessage,
  GraphUser,
  HostedContentBytes,
  ModifiedWindow,
  ReadOptions,
  TenantGraphSource,
} from './tenant-graph-source';

export interface TenantGraphSourceOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphBaseUrl: string;
  /** The tenant's app credential; its token cache serves every request until the token expires. */
  credential: TokenCredential;
  /** Changes to Microsoft's documented rates (tests lower them, benchmarks raise them). */
  limits?: GraphRateLimitsChange;
  adaptive?: Partial<AdaptiveRateOptions>;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

/** The source, with its counts broken down further and the rates it currently allows itself. */
export interface PacedTenantGraphSource extends TenantGraphSource {
  counts(): PacedGraphRequestCounts;
  rates(): Record<GraphCallClass, number>;
}

/** "$top … maximum 50" [chat-list, chat-list-messages, chats-getallmessages]. */
const TEAMS_PAGE_SIZE = '50';
/** "$top … 1 to 999" on list users [user-list]. */
const DIRECTORY_PAGE_SIZE = '999';
/** The user properties the engine reads (GraphUser); `$select` also lowers the request's cost. */
const USER_FIELDS = 'id,userPrincipalName,displayName,accountEnabled,userType';

const dateTimeOffset = z.iso.datetime({ offset: true });

export function createTenantGraphSource(options: TenantGraphSourceOptions): PacedTenantGraphSource {
  const limits = resolveGraphLimits(options.limits);
  const pacer = new GraphPacer(limits, { ...DEFAULT_ADAPTIVE_RATE, ...options.adaptive });
  const counter = new GraphRequestCounter();
  const requester = new PacedGraphRequester(
    new GraphTransport(options.graphBaseUrl, options.credential),
    pacer,
    counter,
    { ...DEFAULT_RETRY_POLICY, ...options.retry },
    options.logger ?? silentLogger(),
  );
  const pages = <T>(url: string, call: GraphCall, read?: ReadOptions) =>
    collectionPages<T>(requester, options.graphBaseUrl, url, call, read?.signal);

  return {
    users: (read) =>
      pages<GraphUser>(
        `/users${query(['$top', DIRECTORY_PAGE_SIZE], ['$select', USER_FIELDS])}`,
        { class: 'directory', what: 'the users of the tenant' },
        read,
      ),

    userChats: (userId, read) =>
      pages<GraphChat>(
        `/users/${segment(userId)}/chats${query(['$top', TEAMS_PAGE_SIZE], ['$expand', 'members'])}`,
        { class: 'teamsGet', userId, what: `the chats of user ${userId}` },
        read,
      ),

    chatMembers: (chatId, read) =>
      allItems(
        pages<GraphChatMember>(
          `/chats/${segment(chatId)}/members`,
          { class: 'teamsGet', chatId, what: `the members of chat ${chatId}` },
          read,
        ),
      ),

    // getAllMessages is paced per class only: the 5 rps per-user limit is documented for list/get
    // chats, not for the export API, and pacing it per user would let the user with the most pages
    // set the length of a whole first backup.
    allMessages: (userId, window, read) => {
      const what = `the chat messages of user ${userId}`;
      return afterCheck(window, what, () =>
        pages<GraphChatMessage>(
          `/users/${segment(userId)}/chats/getAllMessages${query(['$top', TEAMS_PAGE_SIZE], ['$filter', windowFilter(window)])}`,
          { class: 'getAllMessages', what },
          read,
        ),
      );
    },

    // Graph applies a lastModifiedDateTime filter only when $orderby names the same property, and
    // silently ignores it otherwise [chat-list-messages]: both go together, always.
    chatMessages: (chatId, window, read) => {
      const what = `the messages of chat ${chatId}`;
      return afterCheck(window, what, () =>
        pages<GraphChatMessage>(
          `/chats/${segment(chatId)}/messages${query(
            ['$top', TEAMS_PAGE_SIZE],
            ['$orderby', 'lastModifiedDateTime desc'],
            ['$filter', windowFilter(window)],
          )}`,
          { class: 'teamsGet', chatId, what },
          read,
        ),
      );
    },

    pinnedMessages: (chatId, read) =>
      allItems(
        pages<{ id: string; message: GraphChatMessage | null }>(
          `/chats/${segment(chatId)}/pinnedMessages${query(['$expand', 'message'])}`,
          { class: 'teamsGet', chatId, what: `the pinned messages of chat ${chatId}` },
          read,
        ),
      ),

    groupUserMembers: (groupId, read) =>
      groupUserMemberPages(requester, options.graphBaseUrl, groupId, read?.signal),

    hostedContent: async (chatId, messageId, hostedContentId, read): Promise<HostedContentBytes> => {
      const { headers, body } = await requester.get(
        `/chats/${segment(chatId)}/messages/${segment(messageId)}/hostedContents/${segment(hostedContentId)}/$value`,
        {
          class: 'teamsGet',
          chatId,
          what: `hosted content ${hostedContentId} of message ${messageId} in chat ${chatId}`,
        },
        read?.signal,
      );
      return { bytes: body, contentType: headers.get('content-type') ?? 'application/octet-stream' };
    },

    counts: () => counter.snapshot(),
    rates: () => pacer.rates(),
  };
}

/** `$filter` for a window on lastModifiedDateTime; Graph's `gt`/`lt` make both ends exclusive. */
function windowFilter(window: ModifiedWindow): string | undefined {
  const terms: string[] = [];
  if (window.after !== undefined) terms.push(`lastModifiedDateTime gt ${window.after}`);
  if (window.before !== undefined) terms.push(`lastModifiedDateTime lt ${window.before}`);
  return terms.length > 0 ? terms.join(' and ') : undefined;
}

/**
 * A window's ends go into the URL as they are (they usually come from Graph itself, with its own
 * precision), so each must be a DateTimeOffset; a bad one fails the first page, not the run.
 */
async function* afterCheck<T>(
  window: ModifiedWindow,
  what: string,
  read: () => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  for (const end of [window.after, window.before]) {
    if (end !== undefined && !dateTimeOffset.safeParse(end).success) {
      throw graphReadError(
        'bad_request',
        `${what} (window end '${end}' is not an ISO 8601 date and time with offset)`,
      );
    }
  }
  yield* read();
}

/** A query string; absent values are left out, present ones percent-encoded (a `+` offset stays a `+`). */
function query(...params: [string, string | undefined][]): string {
  const parts = params
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value!)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** One path segment: chat ids keep their `:` and `@`, as in Graph's own links (both are legal in a path, RFC 3986). */
function segment(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':').replace(/%40/g, '@');
}
