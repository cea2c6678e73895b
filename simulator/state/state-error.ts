/** Why a tenant-state operation was refused; the control API maps each to an HTTP status. */
export type StateErrorReason =
  | 'tenantNotFound'
  | 'userNotFound'
  | 'chatNotFound'
  | 'groupNotFound'
  | 'memberNotFound'
  | 'messageNotFound'
  | 'pinNotFound'
  | 'reactionNotFound'
  /** The thing already exists or is already in the asked state (member present, message deleted). */
  | 'conflict'
  /** The request does not make sense for this chat or message (rename a 1:1 chat, edit a system event). */
  | 'invalid';

export class StateError extends Error {
  constructor(
    readonly reason: StateErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'StateError';
  }
}
