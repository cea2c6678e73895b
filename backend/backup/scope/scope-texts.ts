import type { ScopeChange, ScopeMode } from './backup-scope';

/**
 * The rule, as the tab shows it next to the setting and the bot after a change. docs/backup-scope.md
 * says the same at length.
 */
export const SCOPE_RULE_SENTENCE =
  'A chat is backed up when at least one of its members is in scope: a group chat with anyone in ' +
  'scope is kept whole, messages of people left out included, and a chat among people left out ' +
  'only is not backed up. Narrowing the scope stops new backups for those people and keeps what ' +
  'was backed up; widening it backs up the added people’s whole history at the next run.';

/** How each mode reads in a sentence ("Backing up …"). */
export const SCOPE_MODE_LABEL: Record<ScopeMode, string> = {
  all: 'everyone, new users included',
  only: 'only the people listed',
  allExcept: 'everyone except the people listed',
};

const count = new Intl.NumberFormat('en-US');

function people(n: number): string {
  return `${count.format(n)} ${n === 1 ? 'user' : 'users'}`;
}

/** The status card's line: "Backing up 412 of 430 users". */
export function scopeSummarySentence(summary: {
  mode: ScopeMode;
  inScope: number;
  total: number;
  listed: number;
}): string {
  if (summary.total === 0) {
    switch (summary.mode) {
      case 'all':
        return 'Backing up all users; the directory is read at the next backup.';
      case 'only':
        return `Backing up the ${people(summary.listed)} listed; the directory is read at the next backup.`;
      case 'allExcept':
        return `Backing up everyone but the ${people(summary.listed)} listed; the directory is read at the next backup.`;
      default: {
        const unreachable: never = summary.mode;
        throw new Error(`unknown scope mode ${String(unreachable)}`);
      }
    }
  }
  if (summary.mode === 'all') return `Backing up all ${people(summary.total)}`;
  return `Backing up ${count.format(summary.inScope)} of ${people(summary.total)}`;
}

/** What a saved change means, for the bot's reply and the tab's confirmation. */
export function scopeChangeSentence(change: ScopeChange): string {
  const parts: string[] = [`Now backing up ${SCOPE_MODE_LABEL[change.to]}.`];
  if (change.others === 'entered') {
    parts.push('Everyone not listed comes into scope: their whole history is backed up at the next run.');
  } else if (change.others === 'left') {
    parts.push(
      'Everyone not listed leaves the scope: nothing new is backed up for them, and what was backed up is kept.',
    );
  }
  if (change.entered.length > 0) {
    parts.push(
      `${people(change.entered.length)} come into scope: their whole history is backed up at the next run.`,
    );
  }
  if (change.left.length > 0) {
    parts.push(`${people(change.left.length)} leave the scope: what was backed up of them is kept.`);
  }
  return parts.join(' ');
}

/** At most `shown` entries, then how many more: error messages stay readable for a long paste. */
export function listEntries(entries: readonly string[], shown = 10): string {
  const head = entries.slice(0, shown).join(', ');
  return entries.length > shown ? `${head} and ${count.format(entries.length - shown)} more` : head;
}
