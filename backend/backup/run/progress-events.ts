import type { RunRecord } from '../../store/backup-records';

/**
 * What the bot's status card, the tab and the CLI follow while a run goes on. Every event carries
 * the run record as the store holds it after the change, so a listener never has to read it back.
 */
export type BackupEvent =
  | { type: 'run-started'; tenantId: string; run: RunRecord; role: ParticipantRole }
  | { type: 'progress'; tenantId: string; run: RunRecord }
  | { type: 'run-finished'; tenantId: string; run: RunRecord };

/** The process holding the tenant's run lease coordinates; others help by taking work items. */
export type ParticipantRole = 'coordinator' | 'helper';

export type BackupListener = (event: BackupEvent) => void;

/** A typed fan-out: a listener that throws is isolated from the run and from other listeners. */
export class BackupEvents {
  private readonly listeners = new Set<BackupListener>();

  on(listener: BackupListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: BackupEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken card or progress bar must not stop a backup.
      }
    }
  }
}
