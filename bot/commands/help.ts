import { helpCard } from '../views/help-view';
import { card, type CommandContext, type Reply } from './command-context';

export async function help(ctx: CommandContext): Promise<Reply> {
  return card(
    await helpCard(
      { isAdmin: ctx.isAdmin, tenantHasAdmins: ctx.tenantHasAdmins, scope: ctx.scope },
      ctx.sign,
    ),
  );
}
