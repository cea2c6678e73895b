import { isGovernanceError } from '../../backend/governance/governance-error';
import { text, type CommandContext, type Reply } from './command-context';

const WHERE =
  'Notices go to team channels and personal chats: type subscribe in a team channel (mentioning me), or in your personal chat with me.';

/**
 * Status cards and alerts go here from now on: this team channel, or this personal chat.
 * NotificationService checks the admin again and audits the change.
 */
export async function subscribe(ctx: CommandContext): Promise<Reply> {
  if (ctx.scope === 'groupChat') return text(WHERE);
  const here = await ctx.target();
  const { created } = await ctx.services.targets.subscribe(ctx.tenant.tenantId, ctx.actor, here);
  if (!created) return text(`Notices already come here. ${await where(ctx)}`);
  return text(
    `Done: ChatVault will post its status cards and alerts ${here.kind === 'channel' ? 'in this channel' : 'in this chat'}: finished and failed backups, an expiring secret, a failing connection. ${await where(ctx)}`,
  );
}

export async function unsubscribe(ctx: CommandContext): Promise<Reply> {
  if (ctx.scope === 'groupChat') return text(WHERE);
  try {
    await ctx.services.targets.unsubscribe(ctx.tenant.tenantId, ctx.actor, (await ctx.target()).targetId);
  } catch (error) {
    if (!isGovernanceError(error, 'not_found')) throw error;
    return text(`Notices do not come here, so there was nothing to stop. ${await where(ctx)}`);
  }
  return text(`Done: no more notices here. ${await where(ctx)}`);
}

async function where(ctx: CommandContext): Promise<string> {
  const targets = await ctx.services.targets.list(ctx.tenant.tenantId);
  if (targets.length === 0) return 'Notices go nowhere now: nobody will be told when a backup fails.';
  return `Notices go to: ${targets.map((t) => t.label).join('; ')}.`;
}
