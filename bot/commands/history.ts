import { historyCard } from '../views/history-view';
import { card, type CommandContext, type Reply } from './command-context';

/** How many runs the history card lists. */
export const HISTORY_RUNS = 10;

export async function history(ctx: CommandContext): Promise<Reply> {
  const page = await ctx.services.backup.listRuns(ctx.tenant.tenantId, { limit: HISTORY_RUNS });
  return card(await historyCard(page.items.slice(0, HISTORY_RUNS), ctx.sign));
}
