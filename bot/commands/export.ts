import { isRecoveryError } from '../../backend/recovery/recovery-error';
import { isLoopbackHost } from '../bot-adapter';
import type { BotExportLink } from '../bot-services';
import type { ExportAsk } from '../export-ask';
import { SAY } from '../refusals';
import { exportCard, exportFormCard } from '../views/export-view';
import { card, text, type CommandContext, type Reply } from './command-context';

/** `export` alone: the form (in the personal chat, where the link it makes will be shown). */
export async function exportForm(ctx: CommandContext): Promise<Reply> {
  if (!ctx.services.recovery) return text(SAY.exportsUnavailable);
  if (ctx.scope !== 'personal') return text(SAY.exportInPersonalChat);
  return card(await exportFormCard(ctx.sign));
}

/**
 * A download link for what was asked, made for this admin. The recovery port checks the request
 * first (an unknown chat or user is refused with its sentence, and no link is made). Only a card
 * carries the link: it is a credential, so it is never logged nor put into any text, and it is
 * made only in the personal chat (in a channel or group chat everyone would see it, and whoever
 * holds it can download).
 */
export async function exportCreate(ctx: CommandContext, ask: ExportAsk): Promise<Reply> {
  const recovery = ctx.services.recovery;
  if (!recovery) return text(SAY.exportsUnavailable);
  if (ctx.scope !== 'personal') return text(SAY.exportInPersonalChat);
  if (!ask.ok) return text(ask.problem);
  let link: BotExportLink;
  try {
    link = await recovery.exportLink(ctx.actor, ctx.tenant.tenantId, ask.request);
  } catch (error) {
    if (!isRecoveryError(error)) throw error;
    return text(`No link was made: ${error.message}`);
  }
  if (!isOpenableUrl(link.url)) throw new ExportLinkError();
  return card(exportCard({ request: ask.request, link, now: ctx.services.clock.now() }));
}

/**
 * Teams opens an Action.OpenUrl only with an absolute address; plain http would carry the link
 * token in clear, so it is accepted only on loopback (local mode).
 */
function isOpenableUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}

/** The port gave a link Teams cannot open (a wiring fault). Says nothing of the link itself. */
export class ExportLinkError extends Error {
  readonly code = 'export_link_unusable';
  constructor() {
    super(
      'The recovery port returned an export link Teams cannot open, or only in clear (http beyond loopback).',
    );
    this.name = 'ExportLinkError';
  }
}
