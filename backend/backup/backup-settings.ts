import type { HarvestStrategyName } from './messages/harvest-strategy';

/**
 * The knobs of the backup engine. Defaults suit one process backing a tenant up against Microsoft's
 * documented limits; tests shorten the times, benchmarks pick the strategy.
 */
export interface BackupSettings {
  /** How a full run reads message history (docs/backup.md, "Choosing the strategy"). */
  fullStrategy: HarvestStrategyName;
  /** Work items one process runs at once (each is one paced listing). */
  concurrency: number;
  /** The tenant's run lease: how long a holder that stopped renewing keeps it. */
  leaseTtlMs: number;
  /** How long a claimed work item stays with a worker that stopped renewing it. */
  claimTtlMs: number;
  /** How often a worker with nothing to claim looks again (and checks for a dead coordinator). */
  idlePollMs: number;
  /** How often counters go to the run record and cancellation is checked. */
  progressEveryMs: number;
  /**
   * Incremental windows start this long before the previous pass started: covers clock skew
   * between ChatVault and Microsoft and writes Graph had not made visible yet. Re-read messages are
   * recognised by their etag and cost nothing but the read.
   */
  watermarkOverlapMs: number;
  /** A work item is tried this many times before it is marked failed. */
  maxItemAttempts: number;
  /** Hosted contents fetched at once for one page. */
  hostedContentConcurrency: number;
  /**
   * Pages of one listing whose images are still coming in while the listing reads on. A waiting page
   * holds only its messages with images: the bound is there for a tenant whose every page has one.
   */
  pagesInFlight: number;
  /** The least time between the answer to one request on a chat and the next request on it. */
  chatGapMs: number;
  /** Chat reads (listings, images, members, pins) handed to the Graph pacer at once. */
  chatReadsInFlight: number;
  /**
   * Messages per second one user's getAllMessages can deliver, for the hybrid plan: 250 while the
   * Graph source paces getAllMessages per user at 5 requests per second (GRAPH_CEILINGS.oneReader).
   */
  readerCeiling: number;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = {
  fullStrategy: 'per-user',
  // getAllMessages allows 200 requests per second per tenant and the Graph source paces each user's
  // at 5, both at 0.95 (docs/graph-source.md): filling the tenant's budget takes 200 / 5 = 40
  // users' reads at once. A few more keep it full while readers start and finish.
  concurrency: 48,
  leaseTtlMs: 30_000,
  claimTtlMs: 60_000,
  idlePollMs: 1_000,
  progressEveryMs: 2_000,
  watermarkOverlapMs: 10 * 60_000,
  maxItemAttempts: 3,
  hostedContentConcurrency: 4,
  pagesInFlight: 100,
  // Graph's 1 request per second on one chat, and a margin for the clocks of its meter.
  chatGapMs: 1_050,
  chatReadsInFlight: 12,
  readerCeiling: 250,
};

export function resolveBackupSettings(change: Partial<BackupSettings> = {}): BackupSettings {
  const settings = { ...DEFAULT_BACKUP_SETTINGS, ...change };
  for (const name of [
    'concurrency',
    'leaseTtlMs',
    'claimTtlMs',
    'idlePollMs',
    'progressEveryMs',
    'maxItemAttempts',
    'hostedContentConcurrency',
    'pagesInFlight',
    'chatReadsInFlight',
    'readerCeiling',
  ] as const) {
    if (!(settings[name] > 0) || !Number.isFinite(settings[name])) {
      throw new RangeError(`backup setting ${name} must be a positive number, got ${settings[name]}`);
    }
  }
  if (!(settings.watermarkOverlapMs >= 0)) {
    throw new RangeError(
      `backup setting watermarkOverlapMs must be >= 0, got ${settings.watermarkOverlapMs}`,
    );
  }
  return settings;
}
