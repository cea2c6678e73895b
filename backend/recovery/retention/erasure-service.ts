import { userWatermarkKey } from '../../backup/run/active-run';
import type { Actor } from '../../store/connection-records';
import { findDirectoryUser } from '../directory-lookup';
import type { RecoveryAudit } from '../recovery-audit';
import { auditOf, type RecoveryDeps } from '../recovery-deps';
import { invalidInput, notFound } from '../recovery-error';
import { sweepBlobs } from './blob-sweep';
import { withBackupsPaused } from './quiet-tenant';
import { removeMessages } from './remove-messages';

export interface ErasureReport {
  userId: string;
  /** Messages the user sent, removed with every version. */
  messages: number;
  versions: number;
  /** Images and other hosted contents no remaining message uses, deleted from the blob store. */
  blobsDeleted: number;
  /** The user's directory entry. */
  directory: boolean;
  memberships: number;
  chatListings: number;
  pinned: number;
  /** The backup's watermark for the user. */
  checkpoints: number;
}

/**
 * Erases one user's backed-up data on request (GDPR Art. 17): every message they sent, with every
 * version, and its search entries; the images those messages carried that no other message uses;
 * their directory entry, chat memberships, their entry in chats' member listings, the pinned
 * messages they sent, and the backup's watermark for them. What stays, and why: docs/recovery.md.
 *
 * The user is named by object id or UPN; an id the directory no longer holds is still erased (a
 * user deleted from the tenant). Runs with backups paused; audited as `erased` with the counts.
 */
export class ErasureService {
  private readonly audit: RecoveryAudit;

  constructor(private readonly deps: RecoveryDeps) {
    this.audit = auditOf(deps);
  }

  async eraseUser(actor: Actor, tenantId: string, user: string): Promise<ErasureReport> {
    const named = typeof user === 'string' ? user.trim() : '';
    if (named === '') throw invalidInput('user', 'Name the user to erase by object id or UPN.');
    const found = await findDirectoryUser(this.deps.backup, tenantId, named);
    if (!found && named.includes('@')) throw notFound(`No user "${named}" is in this organization’s backup.`);
    const userId = found?.userId ?? named;
    const { backup, recovery } = this.deps;

    const report = await withBackupsPaused(backup, tenantId, async (held) => {
      await recovery.updateSearchIndex(tenantId);
      const removed = await removeMessages(
        recovery,
        tenantId,
        (limit) => recovery.findMessagesFrom(tenantId, userId, limit),
        held,
      );
      const records = await recovery.eraseUserRecords(tenantId, userId);
      const checkpoints = (await backup.deleteCheckpoint(tenantId, userWatermarkKey(userId))) ? 1 : 0;
      const swept = await sweepBlobs(this.deps, tenantId);
      return { userId, ...removed, blobsDeleted: swept.deleted, ...records, checkpoints };
    });
    this.deps.logger.info({ tenantId, ...report }, 'erased a user’s backed-up data');
    await this.audit.record(tenantId, actor, 'erased', userId, {
      reason: 'user_request',
      messages: report.messages,
      versions: report.versions,
      blobsDeleted: report.blobsDeleted,
      memberships: report.memberships,
      directory: report.directory,
    });
    return report;
  }
}
