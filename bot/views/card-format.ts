import type { ConnectionStatusName } from '../../backend/store/connection-records';
import type { RunOutcome, RunRecord, RunTrigger } from '../../backend/store/backup-records';

/** Adaptive Card text colors. */
export type CardColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

export interface Fact {
  title: string;
  value: string;
}

/**
 * A time for the cards' `{{DATE()}}`/`{{TIME()}}` functions, which Teams shows in the reader's
 * own time zone. They take RFC 3339 without fractions of a second.
 */
export function cardTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time inside a fact, where card date functions do not apply: UTC, minutes. */
export function factTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export function outcomeLabel(outcome: RunOutcome): { text: string; color: CardColor } {
  switch (outcome) {
    case 'succeeded':
      return { text: 'Succeeded', color: 'Good' };
    case 'partial':
      return { text: 'Partly backed up', color: 'Warning' };
    case 'failed':
      return { text: 'Failed', color: 'Attention' };
    case 'cancelled':
      return { text: 'Cancelled', color: 'Default' };
    default: {
      const unreachable: never = outcome;
      return { text: String(unreachable), color: 'Default' };
    }
  }
}

export function connectionLabel(status: ConnectionStatusName): { text: string; color: CardColor } {
  switch (status) {
    case 'active':
      return { text: 'Active', color: 'Good' };
    case 'expiring':
      return { text: 'Active, secret expiring soon', color: 'Warning' };
    case 'failing':
      return { text: 'Failing', color: 'Attention' };
    case 'inactive':
      return { text: 'Not connected', color: 'Default' };
    default: {
      const unreachable: never = status;
      return { text: String(unreachable), color: 'Default' };
    }
  }
}

export function triggerText(trigger: RunTrigger): string {
  switch (trigger.kind) {
    case 'schedule':
      return 'Scheduled';
    case 'manual':
      return `Started by ${trigger.by.displayName}`;
    case 'cli':
      return 'Started from the command line';
    default: {
      const unreachable: never = trigger;
      return String((unreachable as { kind?: unknown }).kind);
    }
  }
}

/** What a run changed, in one line. */
export function runCounts(run: RunRecord): string {
  const c = run.counters;
  const parts = [
    `${formatCount(c.users)} users`,
    `${formatCount(c.chats)} chats`,
    `${formatCount(c.messagesNew)} new messages`,
    `${formatCount(c.messagesChanged)} changed`,
    `${formatCount(c.messagesDeleted)} deleted`,
  ];
  if (c.bytes > 0) parts.push(`${formatBytes(c.bytes)} of images and files`);
  return parts.join(', ');
}

export function runDuration(run: RunRecord): string {
  const end = run.finishedAt ?? run.updatedAt;
  return formatDuration(Date.parse(end) - Date.parse(run.startedAt));
}
