import type { BadgeProps } from '@fluentui/react-components';
import type { Run, RunOutcome } from '../../api/types';

export const OUTCOME_LABELS: Record<RunOutcome, string> = {
  succeeded: 'Succeeded',
  partial: 'Partly succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const OUTCOME_BADGE: Record<RunOutcome, BadgeProps['color']> = {
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  cancelled: 'informative',
};

export function describeTrigger(trigger: Run['trigger']): string {
  switch (trigger.kind) {
    case 'schedule':
      return 'Scheduled';
    case 'manual':
      return `Started by ${trigger.by.displayName}`;
    case 'cli':
      return 'Started from the command line';
  }
}

/** Messages a run backed up: new ones, and new versions of changed and deleted ones. */
export function messagesOf(run: Run): number {
  return run.counters.messagesNew + run.counters.messagesChanged + run.counters.messagesDeleted;
}

export function runSummary(run: Run, number: (n: number) => string): string {
  const c = run.counters;
  return (
    `${number(c.messagesNew)} new, ${number(c.messagesChanged)} changed and ${number(c.messagesDeleted)} deleted ` +
    `messages in ${number(c.chats)} ${c.chats === 1 ? 'chat' : 'chats'} of ${number(c.users)} ${c.users === 1 ? 'person' : 'people'}`
  );
}
