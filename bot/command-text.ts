import type { ScopeMode } from '../backend/backup/scope/backup-scope';
import { splitUserList } from '../backend/backup/scope/scope-input';
import { exportAskFromWords, type ExportAsk } from './export-ask';

/** What a person asked the bot, typed or pressed. */
export type Command =
  | { name: 'help' }
  | { name: 'connect' }
  | { name: 'status' }
  | { name: 'backup.start' }
  | { name: 'backup.cancel' }
  | { name: 'history' }
  | { name: 'schedule' }
  | { name: 'subscribe' }
  | { name: 'unsubscribe' }
  | { name: 'admins' }
  /** `user` is what followed "admins add": a UPN or object id, possibly empty. */
  | { name: 'admins.add'; user: string }
  | { name: 'admins.remove'; user: string }
  | { name: 'scope' }
  /** `user` is what followed "scope add" / "scope remove", possibly empty. */
  | { name: 'scope.add'; user: string }
  | { name: 'scope.remove'; user: string }
  /** "scope all", "scope only a@x, b@x", "scope except a@x": the list split as the tab splits a paste. */
  | { name: 'scope.set'; mode: ScopeMode; users: string[] }
  /** "export" alone: the form. */
  | { name: 'export' }
  /** "export chat 19:…", "export user a@x json at 2026-03-02T08:00Z", "export all": checked words. */
  | { name: 'export.create'; ask: ExportAsk }
  | { name: 'unknown' };

export type CommandName = Command['name'];

/** Longer than any command: a pasted paragraph (or a pasted secret) is not one. */
const MAX_COMMAND_LENGTH = 200;

const WORDS: Record<string, Command> = {
  help: { name: 'help' },
  '?': { name: 'help' },
  hi: { name: 'help' },
  hello: { name: 'help' },
  menu: { name: 'help' },
  connect: { name: 'connect' },
  status: { name: 'status' },
  'backup now': { name: 'backup.start' },
  backup: { name: 'backup.start' },
  cancel: { name: 'backup.cancel' },
  history: { name: 'history' },
  schedule: { name: 'schedule' },
  subscribe: { name: 'subscribe' },
  unsubscribe: { name: 'unsubscribe' },
  admins: { name: 'admins' },
  admin: { name: 'admins' },
  scope: { name: 'scope' },
};

const SCOPE_MODE_WORDS: Record<string, ScopeMode> = { all: 'all', only: 'only', except: 'allExcept' };

/**
 * Reads a typed message. Case and surrounding punctuation do not matter; in a channel the bot's
 * @mention has already been removed (`TurnContext.removeRecipientMention`), and any other `<at>`
 * tag left in the text is dropped here.
 */
export function parseCommand(text: string | undefined): Command {
  if (typeof text !== 'string' || text.length > MAX_COMMAND_LENGTH) return { name: 'unknown' };
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\/+/, '')
    .replace(/(?<=[^\s.!?])[.!?]+$/, '')
    .trim();
  const lower = cleaned.toLowerCase();
  const known = WORDS[lower];
  if (known) return known;

  const admins = /^admins? (add|remove) ?(.*)$/i.exec(cleaned);
  if (admins) {
    const user = admins[2]!.trim();
    return admins[1]!.toLowerCase() === 'add'
      ? { name: 'admins.add', user }
      : { name: 'admins.remove', user };
  }
  const scope = /^scope (add|remove|all|only|except)\b ?(.*)$/i.exec(cleaned);
  if (scope) {
    const verb = scope[1]!.toLowerCase();
    const rest = scope[2]!.trim();
    if (verb === 'add') return { name: 'scope.add', user: rest };
    if (verb === 'remove') return { name: 'scope.remove', user: rest };
    return { name: 'scope.set', mode: SCOPE_MODE_WORDS[verb]!, users: splitUserList(rest) };
  }
  const exportWords = /^export\b ?(.*)$/i.exec(cleaned);
  if (exportWords) {
    const rest = exportWords[1]!.trim();
    return rest === '' ? { name: 'export' } : { name: 'export.create', ask: exportAskFromWords(rest) };
  }
  return { name: 'unknown' };
}
