import type { ExportRequest } from '../../backend/recovery/export/export-service';
import type { BotExportLink } from '../bot-services';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { cardTime, factTime, type Fact } from './card-format';
import type { SignButton } from './sign-button';

export interface ExportCardState {
  request: ExportRequest;
  link: BotExportLink;
  now: Date;
}

/** The link made for an export: what it holds, in which format, the file, and until when it works. */
export function exportCard(state: ExportCardState): AdaptiveCardJson {
  const { request, link } = state;
  const zip = link.fileName.toLowerCase().endsWith('.zip');
  const facts: Fact[] = [
    { title: 'Exports', value: whatIsExported(request) },
    {
      title: 'As of',
      value: request.at
        ? `${factTime(request.at)}, as the backup saw it then`
        : 'Now: the latest state of every message, with its earlier versions',
    },
    { title: 'Format', value: formatText(request.format, zip) },
    { title: 'File', value: link.fileName },
    { title: 'Link works until', value: factTime(link.expiresAt) },
  ];
  const minutes = Math.max(0, Math.round((Date.parse(link.expiresAt) - state.now.getTime()) / 60_000));
  return renderCard('export', {
    facts,
    expiresAt: cardTime(link.expiresAt),
    minutes,
    url: link.url,
  });
}

/** The export form: what, which format, and an optional moment; its button is signed. */
export async function exportFormCard(sign: SignButton): Promise<AdaptiveCardJson> {
  return renderCard('export-form', { token: await sign('export.create') });
}

function whatIsExported(request: ExportRequest): string {
  const scope = request.scope;
  switch (scope.kind) {
    case 'chat':
      return `One chat (${scope.chatId})`;
    case 'user':
      return `The chats of ${scope.user}`;
    case 'all':
      return "Every chat in your organization's backup";
    default: {
      const unreachable: never = scope;
      return String((unreachable as { kind?: unknown }).kind);
    }
  }
}

function formatText(format: ExportRequest['format'], zip: boolean): string {
  switch (format) {
    case 'html':
      return zip
        ? 'HTML: a zip with a transcript per chat to read in any browser, and an index page'
        : 'HTML: a transcript to read in any browser, images included';
    case 'json':
      return zip
        ? 'JSON: a zip with a document per chat (every version as Microsoft Graph gave it) and a manifest'
        : 'JSON: every version of every message as Microsoft Graph gave it, images included';
    default: {
      const unreachable: never = format;
      return String(unreachable);
    }
  }
}
