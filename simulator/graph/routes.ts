import type { GraphRequest, GraphResult, GraphRoute, ThrottleKey } from '../contracts';
import type { SimulatorDb } from '../state/schema';
import { getChatMessage, listChatMessages } from './chat-messages-routes';
import { getChat, listChatMembers, listUserChats } from './chats-routes';
import { getAllMessagesDelta } from './get-all-messages-delta-route';
import { getAllMessages } from './get-all-messages-route';
import { getGroup, listGroups, listTransitiveUserMembers } from './groups-routes';
import { getHostedContent, getHostedContentValue, listHostedContents } from './hosted-contents-routes';
import {
  CHAT_BASIC_READ_ROLES,
  CHAT_MEMBER_READ_ROLES,
  CHAT_MESSAGE_READ_ROLES,
  DIRECTORY_READ_ROLES,
  GROUP_MEMBER_READ_ROLES,
  GROUP_READ_ROLES,
} from './permissions';
import { listPinnedMessages } from './pinned-messages-route';
import { createRouteContext, type GraphRouteOptions, type RouteContext } from './route-context';
import { getUser, listUsers } from './users-routes';

export { BATCH_PATH, handleBatch, MAX_BATCH_REQUESTS } from './batch';
export type { BatchDispatcher, BatchInnerRequest } from './batch';
export type { GraphRouteOptions } from './route-context';

/**
 * The Graph v1.0 read routes, answered from the tenant database. Every route reads inside
 * `req.caller.tenantId` only. `POST /$batch` is not in this list: the shell serves it with
 * `handleBatch`, giving it a dispatcher for the inner requests.
 *
 * Throttle keys follow Microsoft's metering [throttling-limits, Teams]: getAllMessages and its delta
 * per user; getting one message per chat; every other Teams GET per chat, except listing a user's
 * chats, metered per user; directory reads on their own.
 */
export function createGraphRoutes(db: SimulatorDb, options: GraphRouteOptions = {}): GraphRoute[] {
  const ctx = createRouteContext(db, options);
  const get = (
    path: string,
    anyRole: readonly string[],
    throttle: (req: GraphRequest) => ThrottleKey,
    handler: (ctx: RouteContext, req: GraphRequest) => GraphResult,
  ): GraphRoute => ({ method: 'GET', path, anyRole, throttle, handle: (req) => handler(ctx, req) });

  const directory = (): ThrottleKey => ({ class: 'directory' });
  const perChat = (req: GraphRequest): ThrottleKey => ({ class: 'teamsGet', chatId: req.params.chatId });
  // A user may be named by id or by user principal name; both must count against one user.
  const userKey = (req: GraphRequest): string =>
    ctx.lookups.user(req.caller.tenantId, req.params.userId)?.id ?? req.params.userId;
  const perUser = (req: GraphRequest): ThrottleKey => ({ class: 'teamsGet', userId: userKey(req) });
  // The 5 rps per-user limit is documented for list/get chats only; the export API is metered per
  // app per tenant (200 rps), so its key names no user.
  const exportPerUser = (): ThrottleKey => ({ class: 'getAllMessages' });
  const oneMessage = (req: GraphRequest): ThrottleKey => ({ class: 'getMessage', chatId: req.params.chatId });

  return [
    get('/users', DIRECTORY_READ_ROLES, directory, listUsers),
    get('/users/:userId', DIRECTORY_READ_ROLES, directory, getUser),
    get('/groups', GROUP_READ_ROLES, directory, listGroups),
    get('/groups/:groupId', GROUP_READ_ROLES, directory, getGroup),
    get(
      '/groups/:groupId/transitiveMembers/microsoft.graph.user',
      GROUP_MEMBER_READ_ROLES,
      directory,
      listTransitiveUserMembers,
    ),
    get('/users/:userId/chats', CHAT_BASIC_READ_ROLES, perUser, listUserChats),
    get('/users/:userId/chats/getAllMessages', CHAT_MESSAGE_READ_ROLES, exportPerUser, getAllMessages),
    get(
      '/users/:userId/chats/getAllMessages/delta',
      CHAT_MESSAGE_READ_ROLES,
      exportPerUser,
      getAllMessagesDelta,
    ),
    get('/chats/:chatId', CHAT_BASIC_READ_ROLES, perChat, getChat),
    get('/chats/:chatId/members', CHAT_MEMBER_READ_ROLES, perChat, listChatMembers),
    get('/chats/:chatId/messages', CHAT_MESSAGE_READ_ROLES, perChat, listChatMessages),
    get('/chats/:chatId/messages/:messageId', CHAT_MESSAGE_READ_ROLES, oneMessage, getChatMessage),
    get(
      '/chats/:chatId/messages/:messageId/hostedContents',
      CHAT_MESSAGE_READ_ROLES,
      perChat,
      listHostedContents,
    ),
    get(
      '/chats/:chatId/messages/:messageId/hostedContents/:hostedContentId',
      CHAT_MESSAGE_READ_ROLES,
      perChat,
      getHostedContent,
    ),
    get(
      '/chats/:chatId/messages/:messageId/hostedContents/:hostedContentId/$value',
      CHAT_MESSAGE_READ_ROLES,
      perChat,
      getHostedContentValue,
    ),
    get('/chats/:chatId/pinnedMessages', CHAT_MESSAGE_READ_ROLES, perChat, listPinnedMessages),
  ];
}
