import type { GuideStepId } from '../connection/guide-steps';
import type { OutcomeCode } from '../connection/outcomes';
import type { RunRecord } from '../store/backup-records';

/**
 * What ChatVault tells a tenant's admins without being asked. The bot renders each kind as a card;
 * the backend decides when one is due and to whom.
 */
export type Notice =
  /** A run ended `succeeded`. */
  | { kind: 'run-finished'; tenantId: string; run: RunRecord }
  /** A run ended `partial`, `failed` or `cancelled`: why, and what to do. */
  | { kind: 'run-problem'; tenantId: string; run: RunRecord }
  /** The saved secret expires within `daysLeft` (one notice per threshold: 30, 7, 1). */
  | { kind: 'secret-expiring'; tenantId: string; appId: string; expiresAt: string; daysLeft: 30 | 7 | 1 }
  /** The periodic re-check found the saved credentials failing (consent revoked, secret rejected…). */
  | {
      kind: 'connection-failing';
      tenantId: string;
      code: OutcomeCode;
      message: string;
      step: GuideStepId | null;
      since: string;
    };

export type NoticeKind = Notice['kind'];
