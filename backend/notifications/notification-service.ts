import type { Clock } from '../connection/clock';
import type { AdminService } from '../governance/admin-service';
import type { AuditLog } from '../governance/audit-log';
import { GovernanceError } from '../governance/governance-error';
import { checkTenantId, checkText } from '../governance/governance-input';
import type { Logger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import type { NotificationTarget, NotificationTargetStore } from './notification-targets';

/** What the bot knows of a conversation an admin subscribes. */
export interface SubscribeInput {
  targetId: string;
  kind: NotificationTarget['kind'];
  label: string;
  /** The bot's conversation reference, as the bot framework gave it. */
  conversation: Record<string, unknown>;
}

export interface SubscribeResult {
  target: NotificationTarget;
  /** False when the conversation was subscribed already (its reference and label are refreshed). */
  created: boolean;
}

/** Teams conversation ids run to a few hundred characters (`19:…@thread.tacv2;messageid=…`, `a:1…`). */
const MAX_TARGET_ID = 512;
const MAX_LABEL = 256;
/** A conversation reference is a few hundred bytes; anything far bigger is not one. */
const MAX_CONVERSATION_BYTES = 16 * 1024;

/**
 * Who hears what: the tenant's notification targets. Only admins subscribe or unsubscribe a
 * conversation; each change is audited (`subscribed`, `unsubscribed`). The notifier drops targets
 * the bot reports gone itself, audited with a system actor.
 */
export class NotificationService {
  private readonly logger: Logger;

  constructor(
    private readonly deps: {
      store: NotificationTargetStore;
      admins: Pick<AdminService, 'requireAdmin'>;
      audit: AuditLog;
      clock: Pick<Clock, 'now'>;
      logger: Logger;
    },
  ) {
    this.logger = deps.logger.child({ component: 'notifications' });
  }

  async subscribe(tenantId: string, actor: Actor, input: SubscribeInput): Promise<SubscribeResult> {
    const tid = checkTenantId(tenantId);
    await this.deps.admins.requireAdmin(tid, actor);
    const targetId = checkText(input.targetId, 'targetId', MAX_TARGET_ID);
    const label = checkText(input.label, 'label', MAX_LABEL);
    if (input.kind !== 'channel' && input.kind !== 'personal') {
      throw new GovernanceError('invalid_input', 'kind must be "channel" or "personal".', 'kind');
    }
    const conversation = checkConversation(input.conversation);

    const existing = await this.deps.store.getTarget(tid, targetId);
    const target: NotificationTarget = {
      tenantId: tid,
      targetId,
      kind: input.kind,
      label,
      conversation,
      addedAt: existing?.addedAt ?? this.deps.clock.now().toISOString(),
      addedBy: existing?.addedBy ?? actor,
    };
    await this.deps.store.putTarget(target);
    if (existing) return { target, created: false };
    await this.deps.audit.record(tid, actor, 'subscribed', {
      subject: targetId,
      details: { kind: target.kind, label },
    });
    this.logger.info({ tenantId: tid, targetId, kind: target.kind }, 'notification target subscribed');
    return { target, created: true };
  }

  /** Refuses with `not_found` when the tenant has no such target. Resolves the removed target. */
  async unsubscribe(tenantId: string, actor: Actor, targetId: string): Promise<NotificationTarget> {
    const tid = checkTenantId(tenantId);
    await this.deps.admins.requireAdmin(tid, actor);
    const id = checkText(targetId, 'targetId', MAX_TARGET_ID);
    const target = await this.deps.store.getTarget(tid, id);
    if (!target || !(await this.deps.store.removeTarget(tid, id))) {
      throw new GovernanceError(
        'not_found',
        'There is no such notification target in this tenant.',
        'targetId',
      );
    }
    await this.deps.audit.record(tid, actor, 'unsubscribed', {
      subject: id,
      details: { kind: target.kind, label: target.label },
    });
    this.logger.info({ tenantId: tid, targetId: id }, 'notification target unsubscribed');
    return target;
  }

  /** By target id. */
  async list(tenantId: string): Promise<NotificationTarget[]> {
    return this.deps.store.listTargets(checkTenantId(tenantId));
  }
}

function checkConversation(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GovernanceError(
      'invalid_input',
      'conversation must be the bot’s conversation reference (an object).',
      'conversation',
    );
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new GovernanceError('invalid_input', 'conversation must be plain JSON.', 'conversation');
  }
  if (Buffer.byteLength(json, 'utf8') > MAX_CONVERSATION_BYTES) {
    throw new GovernanceError(
      'invalid_input',
      `conversation is larger than ${MAX_CONVERSATION_BYTES} bytes.`,
      'conversation',
    );
  }
  // Stored as plain data: what is kept is exactly what reads back.
  return JSON.parse(json) as Record<string, unknown>;
}
