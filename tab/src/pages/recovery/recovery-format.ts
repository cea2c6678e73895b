import { useContext } from 'react';
import { ApiError } from '../../api/api-client';
import type { ChatType, RetentionKeep, VersionChange } from '../../api/recovery-types';
import { LocaleContext } from '../../common/format';

export const CHAT_TYPE_LABELS: Record<ChatType, string> = {
  oneOnOne: '1:1 chat',
  group: 'Group chat',
  meeting: 'Meeting chat',
  unknownFutureValue: 'Chat',
};

export const CHANGE_LABELS: Record<VersionChange, string> = {
  posted: 'As first posted',
  edited: 'Edited',
  reactions: 'Reactions changed',
  deleted: 'Deleted',
  restored: 'Restored',
  other: 'Changed',
};

/** Graph's reaction names (older messages) as Teams draws them; newer messages carry the emoji itself. */
const REACTION_EMOJI: Record<string, string> = {
  like: '👍',
  heart: '❤️',
  laugh: '😆',
  surprised: '😮',
  sad: '😢',
  angry: '😠',
};

export function reactionEmoji(reaction: string): string {
  return REACTION_EMOJI[reaction] ?? reaction;
}

export function describeKeep(keep: RetentionKeep): string {
  switch (keep.kind) {
    case 'forever':
      return 'Messages are kept forever.';
    case 'years':
      return `Messages are kept for ${keep.years} ${keep.years === 1 ? 'year' : 'years'} after they were sent.`;
  }
}

/**
 * Times to the second: two backups (and so two moments of a chat) can be seconds apart, which the
 * tab's usual minute-precision format would show as the same time.
 */
export function usePreciseTime(): (iso: string | null | undefined) => string {
  const locale = useContext(LocaleContext);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  return (iso) => (iso && !Number.isNaN(Date.parse(iso)) ? format.format(new Date(iso)) : '—');
}

/**
 * A `datetime-local` input's value (the person's own time zone, to the second) as an ISO moment;
 * undefined when it is empty or incomplete.
 */
export function fromLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  // A date and time without an offset is read as local time (ECMA-262 Date Time String Format).
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** An ISO moment as a `datetime-local` value in the person's time zone, to the second. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}` +
    `T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/**
 * Retention and erasure refuse while the tenant's backup runs (they hold its run lease): said in the
 * page's words, the rest as the server put it.
 */
export function recoveryError(error: ApiError): ApiError {
  const reason: string | undefined = error.reason;
  if (error.code === 'conflict' && reason === 'backup_running') {
    return new ApiError(error.status, error.code, 'A backup is running; try again when it ends.');
  }
  return error;
}
