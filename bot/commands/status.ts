import type { BotServices } from '../bot-services';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { SignButton } from '../views/sign-button';
import { statusCard, type StatusFacts } from '../views/status-view';
import { card, type CommandContext, type Reply } from './command-context';

/** Reads everything the status card shows, at one moment. */
export async function readStatus(
  services: BotServices,
  tenantId: string,
  notice?: string,
): Promise<StatusFacts> {
  const [connection, backup, schedule, totals, scope] = await Promise.all([
    services.connection.status(tenantId),
    services.backup.status(tenantId),
    services.backup.schedule(tenantId),
    services.backup.countMessages(tenantId),
    services.scope.summary(tenantId),
  ]);
  const facts: StatusFacts = {
    now: services.clock.now(),
    connection,
    backup,
    schedule,
    totals,
    scopeSentence: scope.sentence,
  };
  if (notice) facts.notice = notice;
  return facts;
}

/** The status card, and whether it shows a run under way (then the bot keeps it current). */
export async function renderStatus(
  services: BotServices,
  tenantId: string,
  sign: SignButton,
  notice?: string,
): Promise<{ card: AdaptiveCardJson; runActive: boolean }> {
  const facts = await readStatus(services, tenantId, notice);
  return { card: await statusCard(facts, sign), runActive: facts.backup.active !== undefined };
}

export async function status(ctx: CommandContext, notice?: string): Promise<Reply> {
  const rendered = await renderStatus(ctx.services, ctx.tenant.tenantId, ctx.sign, notice);
  return card(rendered.card, rendered.runActive);
}
