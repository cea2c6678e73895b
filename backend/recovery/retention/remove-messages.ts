import type { MessageRef } from '../../store/recovery-records';
import type { RecoveryStore } from '../../store/recovery-store';
import { leaseLost } from './quiet-tenant';

const BATCH = 200;

/**
 * Removes, batch by batch, every message `find` names until it names none: each batch is gone
 * (versions, heads, search entries, references) before the next is looked for, so a crash leaves
 * the rest to a repeat.
 */
export async function removeMessages(
  recovery: Pick<RecoveryStore, 'deleteMessages'>,
  tenantId: string,
  find: (limit: number) => Promise<MessageRef[]>,
  held: () => boolean,
): Promise<{ messages: number; versions: number }> {
  let messages = 0;
  let versions = 0;
  for (;;) {
    if (!held()) throw leaseLost();
    const refs = await find(BATCH);
    if (refs.length === 0) return { messages, versions };
    const removed = await recovery.deleteMessages(tenantId, refs);
    messages += removed.messages;
    versions += removed.versions;
    // A batch whose every message was gone already would be found again forever.
    if (removed.messages === 0 && removed.versions === 0) return { messages, versions };
  }
}
