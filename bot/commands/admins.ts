import { isGovernanceError } from '../../backend/governance/governance-error';
import type { TenantAdmin } from '../../backend/governance/tenant-admins';
import { adminsCard } from '../views/admins-view';
import { card, type CommandContext, type Reply } from './command-context';

export async function admins(ctx: CommandContext, result?: { ok: boolean; message: string }): Promise<Reply> {
  const list = await ctx.services.admins.list(ctx.tenant.tenantId);
  return card(await adminsCard(result ? { admins: list, result } : { admins: list }, ctx.sign));
}

/** Adds an admin by UPN or object id; AdminService looks the person up and says what went wrong. */
export async function adminsAdd(ctx: CommandContext, user: string): Promise<Reply> {
  try {
    const { admin, added } = await ctx.services.admins.addAdmin(ctx.tenant.tenantId, ctx.actor, user);
    const who = nameOf(admin);
    return admins(ctx, {
      ok: true,
      message: added ? `${who} is now a ChatVault admin.` : `${who} is already a ChatVault admin.`,
    });
  } catch (error) {
    if (!isGovernanceError(error)) throw error;
    return admins(ctx, { ok: false, message: error.message });
  }
}

/** Removes an admin by object id or UPN; the last admin stays (AdminService refuses). */
export async function adminsRemove(ctx: CommandContext, user: string): Promise<Reply> {
  try {
    const removed = await ctx.services.admins.removeAdmin(ctx.tenant.tenantId, ctx.actor, user);
    return admins(ctx, { ok: true, message: `${nameOf(removed)} is no longer a ChatVault admin.` });
  } catch (error) {
    if (!isGovernanceError(error)) throw error;
    return admins(ctx, { ok: false, message: error.message });
  }
}

function nameOf(admin: TenantAdmin): string {
  return admin.displayName ?? admin.userPrincipalName ?? admin.userId;
}
