import type { Activity } from 'botbuilder';
import { isGuid } from '../backend/connection/input-checks';
import { bindTenant, TenantBindingError, type TenantBinding } from '../backend/connection/tenant-binding';
import type { Actor } from '../backend/store/connection-records';

/** Where the conversation happens: Teams names these in `conversation.conversationType`. */
export type ConversationScope = 'personal' | 'channel' | 'groupChat';

export interface TurnPerson {
  /** The Entra object id (`from.aadObjectId`), the id admins are kept by. */
  userId: string;
  name?: string;
}

export type TurnIdentity =
  | { ok: true; tenant: TenantBinding; person: TurnPerson; actor: Actor; scope: ConversationScope }
  | { ok: false; reason: IdentityProblem };

export type IdentityProblem =
  /** The activity names no tenant, a malformed one, or two different ones. */
  | 'no_tenant'
  /** The sender has no Entra object id (a GUID): not a signed-in Teams user. */
  | 'no_person';

/**
 * Who acts, for which tenant, from the activity alone. The activity is the one the adapter
 * authenticated (Bot Framework's token covers the request), so its tenant is what Microsoft says;
 * nothing in a card's data ever names a tenant.
 */
export function turnIdentity(activity: Partial<Activity>): TurnIdentity {
  const tenant = turnTenant(activity);
  if (!tenant) return { ok: false, reason: 'no_tenant' };
  const objectId = stringAt(activity.from, 'aadObjectId');
  if (objectId === undefined || !isGuid(objectId)) return { ok: false, reason: 'no_person' };
  const userId = objectId.toLowerCase();
  const name = stringAt(activity.from, 'name');
  const person: TurnPerson = name ? { userId, name } : { userId };
  const actor: Actor = name ? { kind: 'user', id: userId, name } : { kind: 'user', id: userId };
  return { ok: true, tenant, person, actor, scope: scopeOf(activity) };
}

/** The tenant the activity belongs to, or undefined when it names none, a malformed one, or two. */
export function turnTenant(activity: Partial<Activity>): TenantBinding | undefined {
  const fromChannelData = stringAt(activity.channelData, 'tenant', 'id');
  const fromConversation = stringAt(activity.conversation, 'tenantId');
  const named = fromChannelData ?? fromConversation;
  if (named === undefined) return undefined;
  // Teams sets both; should they ever disagree, acting for either would be a guess.
  if (fromChannelData && fromConversation && fromChannelData.toLowerCase() !== fromConversation.toLowerCase())
    return undefined;
  try {
    return bindTenant(named, 'teams-activity');
  } catch (error) {
    if (error instanceof TenantBindingError) return undefined;
    throw error;
  }
}

export function scopeOf(activity: Partial<Activity>): ConversationScope {
  switch (activity.conversation?.conversationType) {
    case 'channel':
      return 'channel';
    case 'groupChat':
      return 'groupChat';
    case 'personal':
      return 'personal';
    default:
      return activity.conversation?.isGroup ? 'groupChat' : 'personal';
  }
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' && at.trim() !== '' ? at.trim() : undefined;
}
