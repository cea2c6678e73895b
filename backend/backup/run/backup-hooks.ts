/**
 * Points in a run where a test may step in: the crash tests kill the process at one of them (the
 * engine never knows why it is called). Production runs use `NO_HOOKS`.
 */
export type BackupHookPoint =
  /** A page was read from Graph and classified; nothing of it is stored yet. */
  | 'page-read'
  /** A page's versions are durable; the item's progress is not recorded yet. */
  | 'page-stored'
  /** Half of a hosted content's bytes went to the blob store. */
  | 'blob-midway'
  /** A hosted content is durable in the blob store; its version is not stored yet. */
  | 'blob-stored'
  /** A work item is complete and marked done. */
  | 'item-done';

export interface BackupHooks {
  at(point: BackupHookPoint): void | Promise<void>;
}

export const NO_HOOKS: BackupHooks = { at: () => undefined };
