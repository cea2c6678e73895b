import type { BlobStore } from '../blobs/blob-store';
import type { Clock } from '../connection/clock';
import type { Logger } from '../observability/logger';
import type { BackupStore } from '../store/backup-store';
import type { ConnectionStore } from '../store/connection-store';
import type { RecoveryStore } from '../store/recovery-store';
import { RecoveryAudit } from './recovery-audit';

/** What every recovery service works with; one tenant per call, given by the caller. */
export interface RecoveryDeps {
  backup: BackupStore;
  recovery: RecoveryStore;
  blobs: BlobStore;
  /** Where audit events go (the connection store's audit trail). */
  auditStore: Pick<ConnectionStore, 'appendAudit'>;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
}

export function auditOf(deps: RecoveryDeps): RecoveryAudit {
  return new RecoveryAudit(deps.auditStore, deps.clock);
}
