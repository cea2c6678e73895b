import type { ConnectionInput } from '../../backend/connection/input-checks';
import { SAY } from '../refusals';
import { connectCard } from '../views/connect-view';
import { card, text, type CommandContext, type Reply } from './command-context';

/** The Connect card, with the saved Application ID filled in for an admin replacing the secret. */
export async function connect(ctx: CommandContext): Promise<Reply> {
  if (ctx.scope !== 'personal') return text(SAY.connectInPersonalChat);
  const saved = ctx.isAdmin
    ? (await ctx.services.connection.status(ctx.tenant.tenantId)).connection
    : undefined;
  return card(await connectCard({ tenantId: ctx.tenant.tenantId, appId: saved?.appId ?? '' }, ctx.sign));
}

/**
 * Test & Save Connection. The input goes to ConnectionService as typed: its input checks are the
 * server-side validation (the card's own regex and isRequired only help the person typing). A
 * working connection saved by someone who is not an admin makes them the first admin, if the
 * tenant has none.
 */
export async function connectSave(ctx: CommandContext, input: ConnectionInput): Promise<Reply> {
  if (ctx.scope !== 'personal') return text(SAY.connectInPersonalChat);
  const { tenantId } = ctx.tenant;
  const report = await ctx.services.connection.testAndSave(ctx.tenant, input, ctx.actor);
  ctx.services.logger.info(
    { tenantId, code: report.code, stage: report.stage, saved: report.saved },
    'test and save from the bot',
  );
  let becameFirstAdmin = false;
  let note: string | undefined;
  if (report.ok && !ctx.isAdmin) {
    becameFirstAdmin = await ctx.services.admins.claimFirstAdmin(tenantId, {
      userId: ctx.person.userId,
      ...(ctx.person.name ? { displayName: ctx.person.name } : {}),
    });
    if (!becameFirstAdmin)
      note =
        'The connection is saved, but someone else became the first ChatVault admin a moment before you: ask them to add you.';
  }
  return card(
    await connectCard(
      {
        tenantId,
        appId: report.ok ? undefined : keptAppId(input),
        expiresAt: report.ok ? undefined : keptExpiry(input),
        report,
        becameFirstAdmin,
        ...(note ? { note } : {}),
        adminActions: ctx.isAdmin || becameFirstAdmin,
      },
      ctx.sign,
    ),
  );
}

/**
 * The Application ID to put back into the form after a failed test: what was typed, if it can be
 * part of an application id (hex digits and dashes). Anything else stays out, so that a secret
 * pasted into the wrong field is never shown back.
 */
export function keptAppId(input: ConnectionInput): string {
  const typed = typeof input.appId === 'string' ? input.appId.trim() : '';
  return /^[0-9a-f-]{1,36}$/i.test(typed) && typed !== input.secret?.trim() ? typed : '';
}

function keptExpiry(input: ConnectionInput): string {
  const typed = typeof input.secretExpiresAt === 'string' ? input.secretExpiresAt.trim() : '';
  return /^\d{4}-\d{2}-\d{2}$/.test(typed) ? typed : '';
}
