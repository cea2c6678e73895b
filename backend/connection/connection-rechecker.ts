import type { Logger } from '../observability/logger';
import type { Clock } from './clock';
import { DAY_MS } from './connection-status';
import type { ConnectionService } from './connection-service';

export interface RecheckerOptions {
  /** How old the last test of a connection may get before it is tested again. Default: a day. */
  intervalMs?: number;
  /** How often the work list is walked; also how soon Expiring is noticed. Default: an hour. */
  tickMs?: number;
  /** Delay before the first walk after start. Default: a minute. */
  firstTickMs?: number;
}

export interface RecheckSummary {
  rechecked: number;
  notDue: number;
  errors: number;
}

/**
 * Re-tests every saved connection once per interval, so a secret that expired, a consent that was
 * revoked or an app that was disabled shows as Failing (and reaches the admins as an event) before
 * a backup run trips on it. Due-ness is judged from each connection's last test, not from when
 * this process started, so restarts do not multiply the tests. Walks never overlap.
 */
export class ConnectionRechecker {
  private readonly intervalMs: number;
  private readonly tickMs: number;
  private readonly firstTickMs: number;
  private cancel: (() => void) | undefined;
  private running = false;
  private walk: Promise<unknown> | undefined;

  constructor(
    private readonly service: ConnectionService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: RecheckerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DAY_MS;
    this.tickMs = options.tickMs ?? Math.min(this.intervalMs, 60 * 60 * 1000);
    this.firstTickMs = options.firstTickMs ?? 60 * 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.firstTickMs);
  }

  /** Stops scheduling; resolves once a walk under way has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    this.cancel = undefined;
    await this.settled();
  }

  /** Resolves when no walk is under way. */
  async settled(): Promise<void> {
    while (this.walk) await this.walk;
  }

  /** One walk over every connected tenant. */
  async runOnce(): Promise<RecheckSummary> {
    const summary: RecheckSummary = { rechecked: 0, notDue: 0, errors: 0 };
    for (const tenantId of await this.service.connectedTenantIds()) {
      try {
        const result = await this.service.recheckIfDue(tenantId, this.intervalMs);
        if (result === 'rechecked') summary.rechecked++;
        else if (result === 'not_due') summary.notDue++;
      } catch (error) {
        summary.errors++;
        // Name and code only: a library's message may quote the request it failed on.
        const e = error as { name?: unknown; code?: unknown; reason?: unknown };
        this.logger.error(
          { tenantId, err: { name: e?.name, code: e?.code, reason: e?.reason } },
          'connection re-check failed',
        );
      }
    }
    return summary;
  }

  private schedule(ms: number): void {
    this.cancel = this.clock.setTimer(ms, () => {
      void this.tick();
    });
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    const walk = this.runOnce().catch((error: unknown) => {
      this.logger.error({ err: { name: (error as Error)?.name } }, 'connection re-check walk failed');
    });
    this.walk = walk;
    await walk;
    this.walk = undefined;
    if (this.running) this.schedule(this.tickMs);
  }
}
