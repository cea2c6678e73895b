import type { BackupStatus } from '../../backend/backup/backup-service';
import type { BackupSchedule } from '../../backend/backup/schedule/backup-schedule';
import type { ConnectionStatusView } from '../../backend/connection/connection-service';
import type { MessageCounts, RunRecord } from '../../backend/store/backup-records';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import {
  cardTime,
  connectionLabel,
  factTime,
  formatCount,
  outcomeLabel,
  runCounts,
  runDuration,
  triggerText,
  type Fact,
} from './card-format';
import { runProblems } from './run-advice';
import type { SignButton } from './sign-button';

/** Everything the status card shows, read from the services at one moment. */
export interface StatusFacts {
  now: Date;
  connection: ConnectionStatusView;
  backup: BackupStatus;
  schedule: { schedule: BackupSchedule; nextRunAt?: string };
  totals?: MessageCounts;
  /** Whose chats are backed up: "Backing up 412 of 430 users". */
  scopeSentence?: string;
  /** A line about what the last press did ("Backup started.", "Cancel requested."). */
  notice?: string;
}

/**
 * The status card: connection, the run under way (updated in place while it lasts), the last run,
 * the schedule and what is backed up so far, with Refresh, Backup now and Cancel.
 */
export async function statusCard(facts: StatusFacts, sign: SignButton): Promise<AdaptiveCardJson> {
  const active = facts.backup.active?.run;
  const connected = facts.connection.status !== 'inactive';
  return renderCard('status', {
    updatedAt: cardTime(facts.now.toISOString()),
    connection: connectionSection(facts.connection),
    notice: facts.notice ?? '',
    active: active ? activeSection(active, facts.backup.active!.mode) : emptyActive(),
    last: lastSection(facts.backup.last),
    scope: facts.scopeSentence ?? '',
    schedule: scheduleLine(facts.schedule),
    totals: facts.totals ? totals(facts.totals) : [],
    tokens: {
      refresh: await sign('status'),
      start: !active && connected ? await sign('backup.start') : '',
      cancel: active && !active.cancelRequestedAt ? await sign('backup.cancel', { runId: active.runId }) : '',
    },
  });
}

function connectionSection(view: ConnectionStatusView) {
  const label = connectionLabel(view.status);
  const facts: Fact[] = [];
  const c = view.connection;
  if (c) {
    facts.push({ title: 'Application ID', value: c.appId });
    facts.push({ title: 'Secret expires', value: `${factTime(c.expiresAt)} (in ${c.daysUntilExpiry} days)` });
    facts.push({
      title: 'Last test',
      value: `${factTime(c.lastTest.at)}: ${c.lastTest.ok ? 'passed' : 'failed'}`,
    });
  }
  let problem = '';
  let step = '';
  if (view.failing) {
    problem = view.failing.message;
    step = view.failing.stepTitle ?? '';
  } else if (view.status === 'inactive') {
    problem = 'No tenant app is connected yet, so nothing is backed up. Type connect to set it up.';
  }
  return { label: label.text, color: label.color, facts, problem, step };
}

function emptyActive() {
  return { shown: false, title: '', progress: '', facts: [], note: '' };
}

function activeSection(run: RunRecord, mode: string) {
  const c = run.counters;
  return {
    shown: true,
    title: `Backup under way (${mode === 'full' ? 'full' : 'incremental'})`,
    progress: `${Math.round(run.percent)}% done: ${run.phase}`,
    facts: [
      { title: 'Started', value: `${factTime(run.startedAt)}, ${triggerText(run.trigger)}` },
      { title: 'Users', value: formatCount(c.users) },
      { title: 'Chats', value: formatCount(c.chats) },
      {
        title: 'Messages',
        value: `${formatCount(c.messagesNew)} new, ${formatCount(c.messagesChanged)} changed, ${formatCount(c.messagesDeleted)} deleted`,
      },
    ],
    note: run.cancelRequestedAt
      ? 'Cancel requested: the run stops within a few seconds.'
      : 'This card updates itself while the backup runs.',
  };
}

function lastSection(run: RunRecord | undefined) {
  if (!run || !run.outcome) {
    return {
      title: 'No backup has finished yet.',
      color: 'Default',
      facts: [],
      problems: [],
    };
  }
  const outcome = outcomeLabel(run.outcome);
  const facts: Fact[] = [
    { title: 'Finished', value: `${factTime(run.finishedAt ?? run.updatedAt)} (took ${runDuration(run)})` },
    { title: 'How it started', value: triggerText(run.trigger) },
    { title: 'Backed up', value: runCounts(run) },
  ];
  return {
    title: `Last backup: ${outcome.text}`,
    color: outcome.color,
    facts,
    problems: runProblems(run.errors, 3).map((text) => ({ text })),
  };
}

function scheduleLine(schedule: StatusFacts['schedule']): string {
  if (!schedule.schedule.enabled) return 'Scheduled backups are off. Type schedule to turn them on.';
  const every = schedule.schedule.incrementalEveryMinutes;
  const next = schedule.nextRunAt ? ` Next: ${factTime(schedule.nextRunAt)}.` : '';
  return `Backs up what changed every ${every} minutes, and everything every ${schedule.schedule.fullEveryDays} days.${next}`;
}

function totals(counts: MessageCounts): Fact[] {
  return [
    { title: 'Messages kept', value: formatCount(counts.messages) },
    { title: 'Versions kept', value: formatCount(counts.versions) },
    { title: 'Deleted messages kept', value: formatCount(counts.deleted) },
  ];
}
