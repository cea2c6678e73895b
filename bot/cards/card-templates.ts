import { Template } from 'adaptivecards-templating';
import admins from './admins.json';
import connect from './connect.json';
import exportForm from './export-form.json';
import exportLink from './export.json';
import help from './help.json';
import history from './history.json';
import noticeConnectionFailing from './notice-connection-failing.json';
import noticeRunFinished from './notice-run-finished.json';
import noticeRunProblem from './notice-run-problem.json';
import noticeSecretExpiring from './notice-secret-expiring.json';
import schedule from './schedule.json';
import status from './status.json';
import welcome from './welcome.json';

/**
 * The card templates, one JSON file each (Adaptive Cards 1.5 with adaptivecards-templating
 * expressions), so a card's layout changes without touching the code that fills it.
 */
export const CARD_TEMPLATES = {
  welcome,
  connect,
  status,
  history,
  schedule,
  admins,
  help,
  export: exportLink,
  'export-form': exportForm,
  'notice-run-finished': noticeRunFinished,
  'notice-run-problem': noticeRunProblem,
  'notice-secret-expiring': noticeSecretExpiring,
  'notice-connection-failing': noticeConnectionFailing,
} as const;

export type CardName = keyof typeof CARD_TEMPLATES;

/** An Adaptive Card as JSON, ready to be an attachment's content. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/**
 * Fills a template. `data` must define every field the template names (use '' and [] for none):
 * the templating library leaves an unknown `${field}` in the card as it is.
 */
export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  const expanded = new Template(CARD_TEMPLATES[name]).expand({ $root: data }) as AdaptiveCardJson;
  // The schema link is for editors; Teams does not need it in every message.
  delete expanded.$schema;
  // A card whose every button was left out by `$when` has no actions at all, not an empty list.
  if (Array.isArray(expanded.actions) && expanded.actions.length === 0) delete expanded.actions;
  return expanded;
}
