import Bottleneck from 'bottleneck';
import type { BackupService } from '../backup/backup-service';
import type { BackupEvent } from '../backup/run/progress-events';
import type { Clock } from '../connection/clock';
import type { ConnectionStatusChanged } from '../connection/connection-events';
import type { ConnectionService } from '../connection/connection-service';
import type { AuditLog } from '../governance/audit-log';
import type { Logger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import { expiryNoticeKey, expiryThreshold, failingNoticeKey } from './expiry-threshold';
import type { Notice } from './notice';
import {
  DEFAULT_NOTICE_RETRY,
  TEAMS_NOTICE_PACING,
  conversationLimiterOptions,
  retryDelayMs,
  tenantLimiterOptions,
  type NoticePacing,
  type NoticeRetry,
} from './notice-pacing';
import { NoticeSendError, type NoticeSender } from './notice-sender';
import type { NotificationTarget, NotificationTargetStore } from './notification-targets';

export interface NotifierDeps {
  targets: NotificationTargetStore;
  sender: NoticeSender;
  audit: AuditLog;
  /** Where secret expiry and failing details are read from. */
  connection: Pick<ConnectionService, 'status' | 'connectedTenantIds'>;
  clock: Clock;
  logger: Logger;
  pacing?: Partial<NoticePacing>;
  retry?: Partial<NoticeRetry>;
  /** For backoff jitter; tests make it predictable. */
  random?: () => number;
  /** How often every connected tenant's secret expiry is looked at. Default: an hour. */
  expiryCheckMs?: number;
  /** Delay before the first look after `start`. Default: a minute. */
  firstExpiryCheckMs?: number;
}

/** What became of one notice, over all of its tenant's targets. */
export interface DeliveryReport {
  kind: Notice['kind'];
  tenantId: string;
  targets: number;
  sent: number;
  /** Targets the bot reported gone: dropped, and their removal audited. */
  gone: number;
  /** Unsubscribed or dropped while the notice waited for its turn. */
  skipped: number;
  /** Given up after the last attempt, or refused for good by the sender. */
  failed: number;
}

export type ExpiryCheck = 'announced' | 'already_announced' | 'not_expiring';

const NOTIFIER_ACTOR: Actor = { kind: 'system', name: 'notifier' };
const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_DRAIN_MS = 10_000;

/** One delivery of one notice to one target, carried through Bottleneck's retries. */
interface Delivery {
  target: NotificationTarget;
  notice: Notice;
  /** Set by the failure handler: how long the next attempt waits before it sends. */
  waitMs: number;
}

type DeliveryOutcome = 'sent' | 'gone' | 'skipped';

class NotifierStoppedError extends Error {
  constructor() {
    super('The notifier was stopped before this notice could be sent.');
    this.name = 'NotifierStoppedError';
  }
}

/**
 * Tells a tenant's notification targets what they should know unasked: a run finished or had a
 * problem, the saved secret nears its expiry (once per threshold: 30, 7, 1 days), the saved
 * credentials started failing. Each notice goes to every target of its tenant through the bot's
 * `NoticeSender`, one queue per conversation paced to Teams' limits (notice-pacing.ts). A send
 * that fails for a passing reason is tried again (Retry-After honoured, jittered backoff,
 * `maxAttempts` at most); a target the bot reports gone is dropped and its removal audited.
 *
 * Wiring: `attachBackup(backupService)`, `onConnectionStatus` as the connection module's
 * `onStatusChange`, `start()` for the periodic expiry look, `close()` on shutdown.
 */
export class Notifier {
  private readonly logger: Logger;
  private readonly pacing: NoticePacing;
  private readonly retry: NoticeRetry;
  private readonly random: () => number;
  private readonly conversations: Bottleneck.Group;
  private readonly tenants: Bottleneck.Group;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly detach: (() => void)[] = [];
  private cancelSweep: (() => void) | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly deps: NotifierDeps) {
    this.logger = deps.logger.child({ component: 'notifier' });
    this.pacing = { ...TEAMS_NOTICE_PACING, ...deps.pacing };
    this.retry = { ...DEFAULT_NOTICE_RETRY, ...deps.retry };
    this.random = deps.random ?? Math.random;
    this.conversations = new Bottleneck.Group(conversationLimiterOptions(this.pacing));
    this.tenants = new Bottleneck.Group(tenantLimiterOptions(this.pacing));
    this.conversations.on('created', (limiter: Bottleneck) => {
      limiter.on('failed', (error: unknown, info: Bottleneck.EventInfoRetryable) =>
        this.retryAfter(error, info),
      );
      limiter.on('error', (error: unknown) =>
        this.logger.error({ err: errorSummary(error) }, 'notice queue error'),
      );
    });
  }

  /** For `BackupService.onProgress`: a finished run becomes `run-finished` or `run-problem`. */
  readonly onBackupEvent = (event: BackupEvent): void => {
    if (event.type !== 'run-finished') return;
    const { run } = event;
    const kind = run.outcome === 'succeeded' ? 'run-finished' : 'run-problem';
    this.track(this.notify({ kind, tenantId: event.tenantId, run }));
  };

  /** For the connection module's `onStatusChange`: failing and expiring become notices. */
  readonly onConnectionStatus = (event: ConnectionStatusChanged): void => {
    switch (event.to) {
      case 'failing':
        this.track(this.announceFailing(event));
        return;
      case 'expiring':
        this.track(this.checkExpiry(event.tenantId));
        return;
      case 'active':
      case 'inactive':
        return;
      default: {
        const unreachable: never = event.to;
        this.logger.warn({ to: String(unreachable) }, 'unknown connection status');
      }
    }
  };

  /** Subscribes to every run's end; returns the unsubscribe (also done by `close`). */
  attachBackup(backup: Pick<BackupService, 'onProgress'>): () => void {
    const off = backup.onProgress(this.onBackupEvent);
    this.detach.push(off);
    return off;
  }

  /**
   * Starts the periodic expiry look over every connected tenant: the connection announces
   * Expiring once, when it becomes it, while the 7- and 1-day notices come with time alone.
   */
  start(): void {
    if (this.closing || this.cancelSweep) return;
    const every = this.deps.expiryCheckMs ?? HOUR_MS;
    const schedule = (ms: number) => {
      this.cancelSweep = this.deps.clock.setTimer(ms, () => {
        if (this.closing) return;
        this.track(
          this.sweepExpiry().finally(() => {
            if (!this.closing) schedule(every);
          }),
        );
      });
    };
    schedule(this.deps.firstExpiryCheckMs ?? 60_000);
  }

  /** Delivers `notice` to every target of its tenant; resolves when each delivery is settled. */
  notify(notice: Notice): Promise<DeliveryReport> {
    const work = this.deliverAll(notice);
    // Counted as under way until settled, so `close` drains it like the notices it decided itself.
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return work;
  }

  private async deliverAll(notice: Notice): Promise<DeliveryReport> {
    const report: DeliveryReport = {
      kind: notice.kind,
      tenantId: notice.tenantId,
      targets: 0,
      sent: 0,
      gone: 0,
      skipped: 0,
      failed: 0,
    };
    if (this.closing) {
      this.logger.warn({ tenantId: notice.tenantId, kind: notice.kind }, 'notice after close: not sent');
      return report;
    }
    const targets = await this.deps.targets.listTargets(notice.tenantId);
    report.targets = targets.length;
    const outcomes = await Promise.allSettled(targets.map((target) => this.deliver(target, notice)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') {
        report[outcome.value] += 1;
        return;
      }
      report.failed += 1;
      const target = targets[i]!;
      this.logger.error(
        {
          tenantId: notice.tenantId,
          targetId: target.targetId,
          kind: notice.kind,
          err: errorSummary(outcome.reason),
        },
        'notice not delivered',
      );
    });
    this.logger.info({ ...report }, 'notice delivered');
    return report;
  }

  /** Announces the tenant's secret expiry if it reached a threshold not announced before. */
  async checkExpiry(tenantId: string): Promise<ExpiryCheck> {
    const view = await this.deps.connection.status(tenantId);
    const connection = view.connection;
    if (view.status !== 'expiring' || !connection) return 'not_expiring';
    const threshold = expiryThreshold(connection.daysUntilExpiry);
    if (threshold === undefined) return 'not_expiring';
    const key = expiryNoticeKey(connection.appId, connection.expiresAt, threshold);
    if (!(await this.claim(tenantId, key))) return 'already_announced';
    await this.notify({
      kind: 'secret-expiring',
      tenantId,
      appId: connection.appId,
      expiresAt: connection.expiresAt,
      daysLeft: threshold,
    });
    return 'announced';
  }

  /** `checkExpiry` for every connected tenant; one tenant's failure does not stop the others. */
  async sweepExpiry(): Promise<void> {
    for (const tenantId of await this.deps.connection.connectedTenantIds()) {
      if (this.closing) return;
      try {
        await this.checkExpiry(tenantId);
      } catch (error) {
        this.logger.error({ tenantId, err: errorSummary(error) }, 'expiry check failed');
      }
    }
  }

  /** Resolves once nothing handed to the notifier is still being delivered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops taking notices and the expiry look; waits up to `drainMs` (default 10 s) for deliveries
   * under way, retries included, then stops what is left: waiting retries end at once and queued
   * sends are dropped (each logged as not delivered). Idempotent.
   */
  close(options: { drainMs?: number } = {}): Promise<void> {
    this.closed ??= this.shutdown(options.drainMs ?? DEFAULT_DRAIN_MS);
    return this.closed;
  }

  private async shutdown(drainMs: number): Promise<void> {
    this.closing = true;
    this.cancelSweep?.();
    for (const off of this.detach.splice(0)) off();
    if (!(await settlesWithin(drainMs, this.settled()))) {
      this.logger.warn({ pending: this.inFlight.size }, 'notices still under way at close: stopping them');
    }
    this.stopping.abort();
    const limiters = [...this.conversations.limiters(), ...this.tenants.limiters()].map((l) => l.limiter);
    const stopped = (async () => {
      await Promise.allSettled(
        limiters.map((limiter) =>
          limiter.stop({ dropWaitingJobs: true, dropErrorMessage: 'notifier closed' }),
        ),
      );
      await this.settled();
    })();
    // A send already handed to the bot cannot be recalled; one that hangs must not hold shutdown.
    if (!(await settlesWithin(drainMs, stopped))) {
      this.logger.warn({ pending: this.inFlight.size }, 'sends still under way after stop: left to finish');
    }
    await Promise.allSettled(limiters.map((limiter) => limiter.disconnect()));
  }

  private async announceFailing(event: ConnectionStatusChanged): Promise<void> {
    let { code, message, step, failingSince: since } = event;
    if (code === undefined || message === undefined || since === undefined) {
      // An event without the details (not one ConnectionService sends): read them.
      const failing = (await this.deps.connection.status(event.tenantId)).failing;
      if (!failing) return;
      ({ code, message, step, since } = failing);
    }
    if (!(await this.claim(event.tenantId, failingNoticeKey(since)))) return;
    await this.notify({
      kind: 'connection-failing',
      tenantId: event.tenantId,
      code,
      message,
      step: step ?? null,
      since,
    });
  }

  private claim(tenantId: string, key: string): Promise<boolean> {
    return this.deps.targets.claimNotice(tenantId, key, this.deps.clock.now().toISOString());
  }

  private deliver(target: NotificationTarget, notice: Notice): Promise<DeliveryOutcome> {
    const delivery: Delivery = { target, notice, waitMs: 0 };
    const queue = this.conversations.key(`${target.tenantId}|${target.targetId}`);
    // The delivery goes in as the job's argument: the `failed` hook finds it there to set the wait.
    return queue.schedule((d: Delivery) => this.attempt(d), delivery);
  }

  /** One attempt; Bottleneck runs it again after a failure the `failed` handler asks to retry. */
  private async attempt(delivery: Delivery): Promise<DeliveryOutcome> {
    if (delivery.waitMs > 0) await sleep(delivery.waitMs, this.stopping.signal);
    if (this.stopping.signal.aborted) throw new NotifierStoppedError();
    const { tenantId, targetId } = delivery.target;
    let target: NotificationTarget | undefined;
    try {
      // Read again at every attempt: it may have been unsubscribed, dropped or re-subscribed
      // with a fresh conversation reference while this notice waited.
      target = await this.deps.targets.getTarget(tenantId, targetId);
    } catch (error) {
      throw new NoticeSendError(`the notification target could not be read (${errorSummary(error).name})`);
    }
    if (!target) return 'skipped';
    const sent = target;
    const outcome = await this.tenants
      .key(tenantId)
      .schedule(() => this.deps.sender.send(sent, delivery.notice));
    if (outcome === 'gone') await this.dropGone(sent);
    return outcome;
  }

  /** Bottleneck's `failed` hook: a number retries the job after that many ms, undefined gives up. */
  private retryAfter(error: unknown, info: Bottleneck.EventInfoRetryable): number | undefined {
    if (!(error instanceof NoticeSendError) || this.stopping.signal.aborted) return undefined;
    const failures = info.retryCount + 1;
    if (failures >= this.retry.maxAttempts) return undefined;
    const delivery = info.args[0] as Delivery;
    // The wait happens inside the next attempt, where closing can cut it short; a delay handed to
    // Bottleneck would be a timer nobody can cancel.
    delivery.waitMs = retryDelayMs(failures, error.retryAfterMs, this.retry, this.random);
    this.logger.info(
      {
        tenantId: delivery.target.tenantId,
        targetId: delivery.target.targetId,
        attempt: failures,
        retryAfterMs: error.retryAfterMs,
        waitMs: delivery.waitMs,
      },
      'notice send failed: retrying',
    );
    return 0;
  }

  private async dropGone(target: NotificationTarget): Promise<void> {
    if (!(await this.deps.targets.removeTarget(target.tenantId, target.targetId))) return;
    await this.deps.audit.record(target.tenantId, NOTIFIER_ACTOR, 'unsubscribed', {
      subject: target.targetId,
      details: { reason: 'gone', kind: target.kind, label: target.label },
    });
    this.logger.info(
      { tenantId: target.tenantId, targetId: target.targetId },
      'notification target gone: dropped',
    );
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => {
      this.logger.error({ err: errorSummary(error) }, 'notice failed');
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

/** Whether `work` settles within `ms`. */
async function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return done;
}

/** Waits `ms`; an abort ends the wait at once (and clears its timer). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new NotifierStoppedError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new NotifierStoppedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Name and message only: errors of HTTP clients may carry the request, headers included. */
function errorSummary(error: unknown): { name: string; message?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message.slice(0, 300) };
  return { name: typeof error };
}
