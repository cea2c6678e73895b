import type { RunRecord } from '../../backend/store/backup-records';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { cardTime, outcomeLabel, runCounts, runDuration, triggerText } from './card-format';
import type { SignButton } from './sign-button';

/** The last runs, newest first: when, who started them, how they ended, what they backed up. */
export async function historyCard(runs: readonly RunRecord[], sign: SignButton): Promise<AdaptiveCardJson> {
  const outcomes = new Map<string, number>();
  for (const run of runs) {
    const key = run.outcome ? outcomeLabel(run.outcome).text.toLowerCase() : 'under way';
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const summary = `The last ${runs.length} ${runs.length === 1 ? 'run' : 'runs'}: ${[...outcomes]
    .map(([label, n]) => `${n} ${label}`)
    .join(', ')}.`;
  return renderCard('history', {
    summary,
    runs: runs.map((run) => {
      const outcome = run.outcome
        ? outcomeLabel(run.outcome)
        : { text: `Under way, ${Math.round(run.percent)}%`, color: 'Accent' };
      return {
        startedAt: cardTime(run.startedAt),
        trigger: triggerText(run.trigger),
        outcome: outcome.text,
        color: outcome.color,
        duration: runDuration(run),
        counts: runCounts(run),
      };
    }),
    tokens: { history: await sign('history'), status: await sign('status') },
  });
}
