/** Why a backup could not start or be looked at: callers branch on `reason`, never on text. */
export type BackupErrorReason =
  /** The tenant has no saved app connection: nothing can be read. */
  | 'not_connected'
  /** The tenant id is not an Entra tenant id. */
  | 'invalid_tenant';

export class BackupError extends Error {
  constructor(
    readonly reason: BackupErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export function notConnected(tenantId: string): BackupError {
  return new BackupError(
    'not_connected',
    `Tenant ${tenantId} has no saved app connection: use Test & Save Connection (or \`chatvault connect\`) first.`,
  );
}
