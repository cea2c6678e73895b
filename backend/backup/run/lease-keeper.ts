import type { Lease } from '../../store/backup-records';
import type { LeaseStore } from '../../store/backup-store';

/**
 * Keeps a lease renewed (every third of its ttl) for as long as its holder works. When a renewal
 * finds the lease gone — the process stalled past the ttl and someone else took over — `onLost` is
 * called once and renewing stops: the holder must stop coordinating.
 */
export class LeaseKeeper {
  private lease: Lease;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    lease: Lease,
    private readonly store: Pick<LeaseStore, 'renewLease' | 'releaseLease'>,
    private readonly ttlMs: number,
    private readonly onLost: () => void,
  ) {
    this.lease = lease;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(ttlMs / 3)));
  }

  get current(): Lease {
    return this.lease;
  }

  /** Stops renewing and gives the lease back, so that the next process need not wait for it to expire. */
  async release(): Promise<void> {
    this.stop();
    await this.store.releaseLease(this.lease).catch(() => false);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const renewed = await this.store.renewLease(this.lease, this.ttlMs);
      if (this.stopped) return;
      if (renewed) {
        this.lease = renewed;
        return;
      }
      this.stop();
      this.onLost();
    } catch {
      // The store did not answer this time; the lease is still ours until it expires.
    }
  }
}
