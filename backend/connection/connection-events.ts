import type { ConnectionStatusName } from '../store/connection-records';
import type { GuideStepId } from './guide-steps';
import type { OutcomeCode } from './outcomes';

/** A connection changed status; the bot pushes this to the tenant's admins. */
export interface ConnectionStatusChanged {
  type: 'connection.status_changed';
  tenantId: string;
  from: ConnectionStatusName;
  to: ConnectionStatusName;
  at: string;
  /** For `failing`: why, in the outcome's words, the step to redo, and since when. */
  code?: OutcomeCode;
  message?: string;
  step?: GuideStepId | null;
  failingSince?: string;
  /** For `expiring`: when the secret expires. */
  expiresAt?: string;
  daysUntilExpiry?: number;
}

export type ConnectionEventSink = (event: ConnectionStatusChanged) => void | Promise<void>;
