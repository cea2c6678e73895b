import type { GraphUser } from '../../graph/tenant-graph-source';
import type { DirectoryUserInput, UserState } from '../../store/backup-records';

/** A directory user as the store records them; the state says whether the backup reads their chats. */
export function directoryUser(user: GraphUser): DirectoryUserInput {
  return {
    userId: user.id,
    upn: user.userPrincipalName,
    displayName: user.displayName ?? user.userPrincipalName,
    // Disabled accounts are recorded and skipped: their chats stay reachable through the other
    // members, and what was backed up of them is kept.
    state: user.accountEnabled === false ? 'disabled' : 'active',
  };
}

/** Whether a run reads this user's chats and messages. */
export function isBackedUp(state: UserState): boolean {
  switch (state) {
    case 'active':
      return true;
    case 'unlicensed':
    case 'disabled':
    case 'deleted':
    case 'notFound':
      return false;
    default: {
      const unreachable: never = state;
      throw new Error(`unknown user state ${String(unreachable)}`);
    }
  }
}
