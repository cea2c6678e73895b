import type { BlobStore } from '../../blobs/blob-store';
import type { RecoveryStore } from '../../store/recovery-store';

/**
 * Deletes the blobs removed versions referenced that no version of the tenant references any more
 * (reference counting: the store keeps a reference per indexed version and hosted content), sweep
 * by sweep; a sweep is forgotten once each of its blobs is deleted or found still in use. Run with
 * backups paused and the search index up to date, or a blob a new version names could go.
 */
export async function sweepBlobs(
  stores: { recovery: RecoveryStore; blobs: Pick<BlobStore, 'delete'> },
  tenantId: string,
): Promise<{ checked: number; deleted: number }> {
  let checked = 0;
  let deleted = 0;
  for (const sweep of await stores.recovery.listBlobSweeps(tenantId)) {
    for (const sha256 of sweep.hashes) {
      checked++;
      if (await stores.recovery.isBlobReferenced(tenantId, sha256)) continue;
      if (await stores.blobs.delete(tenantId, sha256)) deleted++;
    }
    await stores.recovery.deleteBlobSweep(tenantId, sweep.sweepId);
  }
  return { checked, deleted };
}
