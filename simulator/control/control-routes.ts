import type { IncomingMessage } from 'node:http';
import type FindMyWay from 'find-my-way';
import { z } from 'zod';
import type { RawHandler } from '../contracts';
import { seedTenant } from '../seed/seed-tenant';
import { StateError, type StateErrorReason } from '../state/state-error';
import type { GroupRecord } from '../state/groups';
import type { TenantState } from '../state/tenant-state';
import { systemEventFor } from './control-events';
import {
  addMemberBody,
  byQuery,
  editMessageBody,
  eventBody,
  groupMemberBody,
  newGroupBody,
  newChatBody,
  newTenantBody,
  newUserBody,
  pinBody,
  postMessageBody,
  reactionBody,
  reactionQuery,
  renameChatBody,
  userChangeBody,
} from './control-schemas';
import { ControlError, queryOf, readJsonBody, sendError, sendJson } from './http-json';

/**
 * The live-tenant control API: tests and demos change a simulated tenant between backup runs
 * (post, edit, delete, react, pin, membership, rename, users) and read its ground truth. It lives
 * under `/_sim/`, never under `/v1.0`, so no Graph client can reach it by accident. Every answer
 * is JSON; every refusal is `{error:{code,message}}` with 400, 404, 409 or 413. `{tenant}` is a
 * tenant id or domain; chat ids go percent-encoded (or raw) in the path.
 *
 *   GET    /_sim/tenants                                    list tenants
 *   POST   /_sim/tenants                                    {domain, displayName, id?, seed?: {seed, users?, chats?, messages?, spanDays?, endMs?}}
 *   GET    /_sim/tenants/{tenant}                           the tenant
 *   GET    /_sim/tenants/{tenant}/stats                     ground-truth counts (TenantStats)
 *   POST   /_sim/tenants/{tenant}/users                     {displayName, userPrincipalName?, teamsLicensed?, accountEnabled?, userType?, homeTenantId?, …}
 *   PATCH  /_sim/tenants/{tenant}/users/{user}              {accountEnabled?, teamsLicensed?}
 *   DELETE /_sim/tenants/{tenant}/users/{user}              soft delete: Graph answers 404 for the user from then on
 *   GET    /_sim/tenants/{tenant}/groups                    groups with their direct members and transitive users
 *   POST   /_sim/tenants/{tenant}/groups                    {displayName, description?, id?, members?: [{userId} | {groupId}]}
 *   GET    /_sim/tenants/{tenant}/groups/{group}            one group, as the list shows it
 *   DELETE /_sim/tenants/{tenant}/groups/{group}            deletes it: Graph answers 404 for it from then on
 *   POST   /_sim/tenants/{tenant}/groups/{group}/members    {userId} | {groupId}: adds a direct member
 *   DELETE /_sim/tenants/{tenant}/groups/{group}/members/{member}     removes a direct member (user or group)
 *   POST   /_sim/tenants/{tenant}/chats                     {chatType, topic?, members: [{userId} | {external}], createdBy?}
 *   PATCH  /_sim/tenants/{tenant}/chats/{chat}              {topic, by?}: rename
 *   POST   /_sim/tenants/{tenant}/chats/{chat}/members      {userId | external, by?, shareHistory?}
 *   DELETE /_sim/tenants/{tenant}/chats/{chat}/members/{user}?by=     leaves (no by, or by = user) or is removed
 *   POST   /_sim/tenants/{tenant}/chats/{chat}/messages     {from, body, mentions?, attachments?, hostedContents?, importance?}
 *   PATCH  /_sim/tenants/{tenant}/chats/{chat}/messages/{id}            {body, mentions?}: edit
 *   DELETE /_sim/tenants/{tenant}/chats/{chat}/messages/{id}            soft delete
 *   POST   /_sim/tenants/{tenant}/chats/{chat}/messages/{id}/reactions  {userId, reactionType}
 *   DELETE /_sim/tenants/{tenant}/chats/{chat}/messages/{id}/reactions?userId=&reactionType=
 *   POST   /_sim/tenants/{tenant}/chats/{chat}/pinnedMessages           {messageId, by?}
 *   DELETE /_sim/tenants/{tenant}/chats/{chat}/pinnedMessages/{pinnedId}?by=
 *   POST   /_sim/tenants/{tenant}/chats/{chat}/events       {event: {kind, …}, by?}: calls, app and tab events
 */

export const CONTROL_PREFIX = '/_sim';

export interface ControlDeps {
  state: TenantState;
}

type Params = Record<string, string | undefined>;
type Reply = { status: number; json: unknown };

function statusOf(reason: StateErrorReason): number {
  switch (reason) {
    case 'tenantNotFound':
    case 'userNotFound':
    case 'chatNotFound':
    case 'groupNotFound':
    case 'memberNotFound':
    case 'messageNotFound':
    case 'pinNotFound':
    case 'reactionNotFound':
      return 404;
    case 'conflict':
      return 409;
    case 'invalid':
      return 400;
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

/** Wraps a route so that it always answers, whatever it throws. */
function guarded(handle: (req: IncomingMessage, params: Params) => Reply | Promise<Reply>): RawHandler {
  return async (req, res, params) => {
    try {
      const reply = await handle(req, params);
      sendJson(res, reply.status, reply.json);
    } catch (error) {
      if (error instanceof ControlError) sendError(res, error.status, error.code, error.message);
      else if (error instanceof StateError)
        sendError(res, statusOf(error.reason), error.reason, error.message);
      else if (error instanceof RangeError) sendError(res, 400, 'invalidRequest', error.message);
      else sendError(res, 500, 'internalError', error instanceof Error ? error.message : String(error));
    }
  };
}

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ControlError(400, 'invalidRequest', `${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

async function bodyOf<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  return valid(schema, await readJsonBody(req), 'body');
}

function param(params: Params, name: string): string {
  const value = params[name];
  if (!value) throw new ControlError(400, 'invalidRequest', `missing ${name} in the path`);
  return value;
}

export function registerControlRoutes(
  router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>,
  deps: ControlDeps,
): void {
  const { state } = deps;
  const tenantPath = `${CONTROL_PREFIX}/tenants/:tenantId`;
  const chatPath = `${tenantPath}/chats/:chatId`;
  const messagePath = `${chatPath}/messages/:messageId`;
  const on = (method: FindMyWay.HTTPMethod, path: string, handle: Parameters<typeof guarded>[0]) =>
    router.on(method, path, guarded(handle));
  const tenantOf = (params: Params) => {
    const tenant = state.findTenant(param(params, 'tenantId'));
    if (!tenant) throw new StateError('tenantNotFound', `tenant ${params['tenantId']} not found`);
    return tenant.id;
  };

  on('GET', `${CONTROL_PREFIX}/tenants`, () => ({ status: 200, json: state.listTenants() }));

  on('POST', `${CONTROL_PREFIX}/tenants`, async (req) => {
    const body = await bodyOf(req, newTenantBody);
    if (!body.seed) return { status: 201, json: state.createTenant(body) };
    const { seed, ...sizes } = body.seed;
    const summary = seedTenant(state, {
      ...sizes,
      seed,
      domain: body.domain,
      displayName: body.displayName,
      tenantId: body.id,
    });
    return { status: 201, json: { ...summary, stats: state.stats(summary.id) } };
  });

  on('GET', tenantPath, (_req, params) => ({ status: 200, json: state.findTenant(tenantOf(params)) }));

  on('GET', `${tenantPath}/stats`, (_req, params) => ({ status: 200, json: state.stats(tenantOf(params)) }));

  on('POST', `${tenantPath}/users`, async (req, params) => {
    const tenantId = tenantOf(params);
    return { status: 201, json: state.addUser(tenantId, await bodyOf(req, newUserBody)) };
  });

  on('PATCH', `${tenantPath}/users/:userId`, async (req, params) => {
    const tenantId = tenantOf(params);
    return {
      status: 200,
      json: state.updateUser(tenantId, param(params, 'userId'), await bodyOf(req, userChangeBody)),
    };
  });

  on('DELETE', `${tenantPath}/users/:userId`, (_req, params) => ({
    status: 200,
    json: state.deleteUser(tenantOf(params), param(params, 'userId')),
  }));

  const groupPath = `${tenantPath}/groups/:groupId`;
  const groupView = (tenantId: string, group: GroupRecord) => ({
    id: group.id,
    displayName: group.displayName,
    members: group.members,
    transitiveUserIds: state.transitiveUserIds(tenantId, group.id),
  });
  const requireGroup = (tenantId: string, params: Params): GroupRecord => {
    const group = state.findGroup(tenantId, param(params, 'groupId'));
    if (!group) throw new StateError('groupNotFound', `group ${params['groupId']} not found`);
    return group;
  };

  on('GET', `${tenantPath}/groups`, (_req, params) => {
    const tenantId = tenantOf(params);
    return { status: 200, json: state.listGroups(tenantId).map((g) => groupView(tenantId, g)) };
  });

  on('POST', `${tenantPath}/groups`, async (req, params) => {
    const tenantId = tenantOf(params);
    const { members, ...group } = await bodyOf(req, newGroupBody);
    return { status: 201, json: groupView(tenantId, state.createGroup(tenantId, group, members)) };
  });

  on('GET', groupPath, (_req, params) => {
    const tenantId = tenantOf(params);
    return { status: 200, json: groupView(tenantId, requireGroup(tenantId, params)) };
  });

  on('DELETE', groupPath, (_req, params) => {
    const tenantId = tenantOf(params);
    const group = requireGroup(tenantId, params);
    state.deleteGroup(tenantId, group.id);
    return { status: 200, json: { id: group.id, deleted: true } };
  });

  on('POST', `${groupPath}/members`, async (req, params) => {
    const tenantId = tenantOf(params);
    const member = await bodyOf(req, groupMemberBody);
    const group = state.addGroupMember(tenantId, param(params, 'groupId'), member);
    return { status: 201, json: groupView(tenantId, group) };
  });

  on('DELETE', `${groupPath}/members/:memberId`, (_req, params) => {
    const tenantId = tenantOf(params);
    const group = state.removeGroupMember(tenantId, param(params, 'groupId'), param(params, 'memberId'));
    return { status: 200, json: groupView(tenantId, group) };
  });

  on('POST', `${tenantPath}/chats`, async (req, params) => {
    const tenantId = tenantOf(params);
    const chat = state.createChat(tenantId, await bodyOf(req, newChatBody));
    return { status: 201, json: { ...chat.json, members: state.listMembers(tenantId, chat.id) } };
  });

  on('PATCH', chatPath, async (req, params) => {
    const tenantId = tenantOf(params);
    const { topic, by } = await bodyOf(req, renameChatBody);
    return { status: 200, json: state.renameChat(tenantId, param(params, 'chatId'), topic, { by }) };
  });

  on('POST', `${chatPath}/members`, async (req, params) => {
    const tenantId = tenantOf(params);
    const body = await bodyOf(req, addMemberBody);
    const who = body.external ? { external: body.external } : { userId: body.userId! };
    const event = state.addMember(tenantId, param(params, 'chatId'), who, {
      by: body.by,
      shareHistory: body.shareHistory,
    });
    return { status: 201, json: event };
  });

  on('DELETE', `${chatPath}/members/:userId`, (req, params) => {
    const { by } = valid(byQuery, queryOf(req), 'query');
    return {
      status: 200,
      json: state.removeMember(tenantOf(params), param(params, 'chatId'), param(params, 'userId'), { by }),
    };
  });

  on('POST', `${chatPath}/messages`, async (req, params) => {
    const tenantId = tenantOf(params);
    const body = await bodyOf(req, postMessageBody);
    const hostedContents = body.hostedContents?.map((h) => ({
      temporaryId: (h.temporaryId ?? h['@microsoft.graph.temporaryId'])!,
      contentType: h.contentType,
      bytes: Buffer.from(h.contentBytes, 'base64'),
    }));
    return {
      status: 201,
      json: state.postMessage(tenantId, param(params, 'chatId'), { ...body, hostedContents }),
    };
  });

  on('PATCH', messagePath, async (req, params) => {
    const tenantId = tenantOf(params);
    const body = await bodyOf(req, editMessageBody);
    return {
      status: 200,
      json: state.editMessage(tenantId, param(params, 'chatId'), param(params, 'messageId'), body),
    };
  });

  on('DELETE', messagePath, (_req, params) => ({
    status: 200,
    json: state.deleteMessage(tenantOf(params), param(params, 'chatId'), param(params, 'messageId')),
  }));

  on('POST', `${messagePath}/reactions`, async (req, params) => {
    const tenantId = tenantOf(params);
    const body = await bodyOf(req, reactionBody);
    return {
      status: 200,
      json: state.react(tenantId, param(params, 'chatId'), param(params, 'messageId'), body),
    };
  });

  on('DELETE', `${messagePath}/reactions`, (req, params) => {
    const query = valid(reactionQuery, queryOf(req), 'query');
    return {
      status: 200,
      json: state.unreact(tenantOf(params), param(params, 'chatId'), param(params, 'messageId'), query),
    };
  });

  on('POST', `${chatPath}/pinnedMessages`, async (req, params) => {
    const tenantId = tenantOf(params);
    const { messageId, by } = await bodyOf(req, pinBody);
    const pinned = state.pinMessage(tenantId, param(params, 'chatId'), messageId, { by });
    return { status: 201, json: { id: pinned.pinnedId, event: pinned.event } };
  });

  on('DELETE', `${chatPath}/pinnedMessages/:pinnedId`, (req, params) => {
    const { by } = valid(byQuery, queryOf(req), 'query');
    return {
      status: 200,
      json: state.unpinMessage(tenantOf(params), param(params, 'chatId'), param(params, 'pinnedId'), { by }),
    };
  });

  on('POST', `${chatPath}/events`, async (req, params) => {
    const tenantId = tenantOf(params);
    const chatId = param(params, 'chatId');
    const body = await bodyOf(req, eventBody);
    const event = systemEventFor(state, tenantId, chatId, body.event);
    return { status: 201, json: state.postSystemEvent(tenantId, chatId, event, body.by) };
  });
}
