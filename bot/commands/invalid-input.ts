import type { CardVerb } from '../card-action-token';
import { SAY } from '../refusals';
import { connectCard } from '../views/connect-view';
import { scheduleCard } from '../views/schedule-view';
import { admins } from './admins';
import { card, text, type CommandContext, type Reply } from './command-context';

const WRONG_INPUT =
  'The card sent values of the wrong kind or far too long, so nothing was tested or changed. Enter them again.';

/** A form pressed with inputs no card of ours sends: the form again (fresh), saying so. */
export async function invalidInput(ctx: CommandContext, verb: CardVerb): Promise<Reply> {
  switch (verb) {
    case 'connect.save':
      if (ctx.scope !== 'personal') return text(SAY.connectInPersonalChat);
      return card(await connectCard({ tenantId: ctx.tenant.tenantId, problem: WRONG_INPUT }, ctx.sign));
    case 'schedule.save': {
      const current = await ctx.services.backup.schedule(ctx.tenant.tenantId);
      return card(await scheduleCard({ ...current, result: { ok: false, message: WRONG_INPUT } }, ctx.sign));
    }
    case 'admins.add':
      return admins(ctx, { ok: false, message: WRONG_INPUT });
    default:
      return text(SAY.invalidCard);
  }
}
