import type { RunErrorGroup, RunOutcome, WorkItemCounts } from '../../store/backup-records';
import { isNotice } from './run-error-kinds';

/**
 * A run's outcome from what it met. Cancelled wins; a run that backed nothing up because every
 * item failed, or every user was refused (a revoked consent looks like that), failed; a run with
 * any failure besides notices is partial.
 */
export function decideOutcome(input: {
  cancelled: boolean;
  items: WorkItemCounts;
  errors: RunErrorGroup[];
  /** Users the run set out to back up. */
  users: number;
}): RunOutcome {
  if (input.cancelled) return 'cancelled';
  const refused = input.errors.find((group) => group.kind === 'user_unlicensed')?.count ?? 0;
  if (input.users > 0 && refused >= input.users) return 'failed';
  if (input.items.failed > 0 && input.items.done === 0) return 'failed';
  const failures = input.errors.some((group) => !isNotice(group.kind));
  return input.items.failed > 0 || failures ? 'partial' : 'succeeded';
}
