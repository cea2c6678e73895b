import type { EventUserIdentity } from './event-detail-json';
import type { UserIdentityType } from './message-json';
import { parseMember, type StateContext, type TenantRow, type UserRow } from './state-context';
import { StateError } from './state-error';

/**
 * Who takes part in chats: the tenant's directory users (members and invited guests) and people
 * of other organisations reached through federation, who are chat members without being in the
 * directory (Graph marks them `userIdentityType: federatedUser`).
 */

export interface ExternalParticipant {
  id: string;
  displayName: string;
  tenantId: string;
  email?: string | null;
}

export type ParticipantInput = { userId: string } | { external: ExternalParticipant };

export interface Participant {
  userId: string;
  displayName: string;
  email: string | null;
  /** The participant's own tenant (a guest's or a federated user's differs from the chat's). */
  tenantId: string;
  userIdentityType: Extract<UserIdentityType, 'aadUser' | 'federatedUser'>;
  /** Guests and federated users hold the `guest` role in chats. */
  external: boolean;
}

export function directoryParticipant(user: UserRow): Participant {
  const json = JSON.parse(user.json) as { mail: string | null };
  return {
    userId: user.id,
    displayName: user.display_name,
    email: json.mail,
    tenantId: user.home_tenant_id ?? user.tenant_id,
    userIdentityType: 'aadUser',
    external: user.user_type === 'Guest',
  };
}

export function federatedParticipant(p: ExternalParticipant): Participant {
  return {
    userId: p.id.toLowerCase(),
    displayName: p.displayName,
    email: p.email ?? null,
    tenantId: p.tenantId.toLowerCase(),
    userIdentityType: 'federatedUser',
    external: true,
  };
}

/** A participant about to join a chat: directory users must be able to use Teams. */
export function resolveParticipant(
  ctx: StateContext,
  tenant: TenantRow,
  input: ParticipantInput,
): Participant {
  if ('external' in input) {
    if (input.external.tenantId.toLowerCase() === tenant.id) {
      throw new StateError(
        'invalid',
        `external participant ${input.external.id} must come from another tenant`,
      );
    }
    if (ctx.anyUser(tenant.id, input.external.id)) {
      throw new StateError(
        'invalid',
        `${input.external.id} is a directory user of this tenant: add it by userId`,
      );
    }
    return federatedParticipant(input.external);
  }
  const user = ctx.directoryUser(tenant.id, input.userId);
  if (!user) throw new StateError('userNotFound', `user ${input.userId} not found in tenant ${tenant.id}`);
  if (!user.teams_licensed) throw new StateError('invalid', `user ${user.id} has no Teams license`);
  if (!user.account_enabled) throw new StateError('invalid', `user ${user.id} is disabled`);
  return directoryParticipant(user);
}

/** A current member of the chat, as senders, reactors and mentions name them. */
export function memberParticipant(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  userId: string,
): Participant {
  const row = ctx.member(tenantId, chatId, userId);
  if (!row) throw new StateError('memberNotFound', `user ${userId} is not a member of chat ${chatId}`);
  const member = parseMember(row);
  const inDirectory = ctx.anyUser(tenantId, row.user_id);
  return {
    userId: row.user_id,
    displayName: member.displayName,
    email: member.email,
    tenantId: member.tenantId,
    userIdentityType: inDirectory ? 'aadUser' : 'federatedUser',
    external: member.roles.includes('guest'),
  };
}

/** How event details name a person: id and type only (Graph leaves displayName null there). */
export function eventUser(p: { userId: string; userIdentityType: UserIdentityType }): EventUserIdentity {
  return { id: p.userId, displayName: null, userIdentityType: p.userIdentityType };
}

/**
 * Who caused an event: `by` when given (a member, or any live directory user such as an admin),
 * else the chat's first member.
 */
export function initiatorOf(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  by?: string,
): EventUserIdentity {
  if (by !== undefined) {
    if (ctx.member(tenantId, chatId, by)) return eventUser(memberParticipant(ctx, tenantId, chatId, by));
    const user = ctx.directoryUser(tenantId, by);
    if (!user) throw new StateError('userNotFound', `user ${by} not found in tenant ${tenantId}`);
    return eventUser(directoryParticipant(user));
  }
  const first = ctx.stmt.members.get(tenantId, chatId) as { user_id: string } | undefined;
  if (!first) throw new StateError('invalid', `chat ${chatId} has no members to act`);
  return eventUser(memberParticipant(ctx, tenantId, chatId, first.user_id));
}
