import { GUIDE_STEPS } from '../../backend/connection/guide-steps';
import type { Notice } from '../../backend/notifications/notice';
import type { RunRecord } from '../../backend/store/backup-records';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import {
  cardTime,
  factTime,
  formatBytes,
  formatCount,
  outcomeLabel,
  runDuration,
  triggerText,
  type Fact,
} from './card-format';
import { entraLinks } from './entra-links';
import { runProblems, runTodo } from './run-advice';
import type { SignButton } from './sign-button';

/** The card ChatVault sends without being asked, one layout per kind of notice. */
export async function noticeCard(notice: Notice, sign: SignButton): Promise<AdaptiveCardJson> {
  switch (notice.kind) {
    case 'run-finished':
      return renderCard('notice-run-finished', {
        summary: `Everything the backup found is backed up: ${formatCount(notice.run.counters.messagesNew)} new and ${formatCount(
          notice.run.counters.messagesChanged,
        )} changed messages, in ${runDuration(notice.run)}.`,
        facts: runFacts(notice.run),
        tokens: { status: await sign('status'), history: await sign('history') },
      });
    case 'run-problem': {
      const outcome = notice.run.outcome ?? 'failed';
      const { todo, reconnect } = runTodo(notice.run);
      return renderCard('notice-run-problem', {
        title: problemTitle(notice.run),
        color: outcomeLabel(outcome).color,
        summary: problemSummary(notice.run),
        problems: runProblems(notice.run.errors).map((text) => ({ text })),
        todo: todo.map((text) => ({ text })),
        facts: runFacts(notice.run),
        tokens: {
          status: await sign('status'),
          connect: reconnect ? await sign('connect') : '',
          backup: reconnect ? '' : await sign('backup.start'),
        },
      });
    }
    case 'secret-expiring':
      return renderCard('notice-secret-expiring', {
        title:
          notice.daysLeft === 1
            ? 'The app secret expires tomorrow'
            : `The app secret expires in ${notice.daysLeft} days`,
        color: notice.daysLeft === 30 ? 'Warning' : 'Attention',
        appId: notice.appId,
        expiresAt: cardTime(notice.expiresAt),
        secretsUrl: entraLinks(notice.tenantId, notice.appId).secrets,
        tokens: { connect: await sign('connect') },
      });
    case 'connection-failing': {
      const step = notice.step ? GUIDE_STEPS[notice.step] : '';
      const suffix = ` (Guide: ${step}.)`;
      return renderCard('notice-connection-failing', {
        since: cardTime(notice.since),
        message:
          step && notice.message.endsWith(suffix) ? notice.message.slice(0, -suffix.length) : notice.message,
        step,
        tokens: { connect: await sign('connect'), status: await sign('status') },
      });
    }
    default: {
      const unreachable: never = notice;
      throw new Error(`No card for notice ${(unreachable as { kind?: unknown }).kind}`);
    }
  }
}

function problemTitle(run: RunRecord): string {
  switch (run.outcome) {
    case 'partial':
      return 'Backup partly done';
    case 'cancelled':
      return 'Backup cancelled';
    case 'failed':
    case 'succeeded':
    case undefined:
    default:
      return 'Backup failed';
  }
}

function problemSummary(run: RunRecord): string {
  switch (run.outcome) {
    case 'partial':
      return 'The backup finished, but part of it could not be backed up. What was read is kept.';
    case 'cancelled':
      return 'The backup was stopped before it finished. What it read before stopping is kept.';
    case 'failed':
    case 'succeeded':
    case undefined:
    default:
      return 'The backup could not back anything up.';
  }
}

function runFacts(run: RunRecord): Fact[] {
  const c = run.counters;
  const facts: Fact[] = [
    { title: 'Started', value: `${factTime(run.startedAt)}, ${triggerText(run.trigger)}` },
    { title: 'Took', value: runDuration(run) },
    { title: 'Users', value: formatCount(c.users) },
    { title: 'Chats', value: formatCount(c.chats) },
    {
      title: 'Messages',
      value: `${formatCount(c.messagesNew)} new, ${formatCount(c.messagesChanged)} changed, ${formatCount(c.messagesDeleted)} deleted`,
    },
  ];
  if (c.bytes > 0) facts.push({ title: 'Images and files', value: formatBytes(c.bytes) });
  return facts;
}
