import type { RunErrorKind } from '../../backend/backup/run/run-error-kinds';
import type { RunErrorGroup, RunRecord } from '../../backend/store/backup-records';
import { formatCount } from './card-format';

/** What an admin can do about each kind of trouble a run met, and whether reconnecting helps. */
interface Advice {
  why: string;
  todo: string;
  reconnect: boolean;
}

const KNOWN_KINDS: readonly RunErrorKind[] = [
  'user_unlicensed',
  'user_not_found',
  'chat_not_found',
  'hosted_content_missing',
  'message_without_chat',
  'graph_unauthorized',
  'graph_forbidden',
  'graph_unavailable',
  'graph_bad_request',
  'storage_failed',
  'strategy_unsupported',
  'scope_group_unreadable',
  'run_failed',
];

function adviceFor(kind: RunErrorKind): Advice {
  switch (kind) {
    case 'user_unlicensed':
      return {
        why: 'Microsoft Graph refused the chats of some users (usually: no Teams license).',
        todo: 'Nothing, if those users have no Teams license. If all users were refused, admin consent was probably revoked: grant it again (setup guide step 12).',
        reconnect: false,
      };
    case 'user_not_found':
      return {
        why: 'Some users were deleted while the backup ran.',
        todo: 'Nothing: what was backed up of them is kept.',
        reconnect: false,
      };
    case 'chat_not_found':
      return {
        why: 'Some chats were deleted while the backup ran.',
        todo: 'Nothing: what was backed up of them is kept.',
        reconnect: false,
      };
    case 'hosted_content_missing':
      return {
        why: 'Microsoft Graph no longer serves some images that messages refer to.',
        todo: 'Nothing: the messages are kept without those images.',
        reconnect: false,
      };
    case 'message_without_chat':
      return {
        why: 'Microsoft Graph returned messages without saying which chat holds them.',
        todo: 'Nothing now; the next backup reads them again.',
        reconnect: false,
      };
    case 'graph_unauthorized':
      return {
        why: 'Microsoft refused the saved app secret: it expired or was replaced.',
        todo: 'Create a new client secret for the app and connect again with its Value (setup guide steps 5-7).',
        reconnect: true,
      };
    case 'graph_forbidden':
      return {
        why: 'Microsoft Graph refused the app: a permission is missing or admin consent was revoked.',
        todo: 'Check the app\'s API permissions and select "Grant admin consent" again (setup guide steps 8-12), then connect again to test.',
        reconnect: true,
      };
    case 'graph_unavailable':
      return {
        why: 'Microsoft Graph was unavailable or kept asking ChatVault to slow down.',
        todo: 'Nothing: the next backup catches up. Start one now if you need it sooner.',
        reconnect: false,
      };
    case 'graph_bad_request':
      return {
        why: 'Microsoft Graph refused some requests as malformed.',
        todo: 'Tell your ChatVault support; the next backup tries again.',
        reconnect: false,
      };
    case 'storage_failed':
      return {
        why: 'ChatVault could not write to its storage.',
        todo: 'Tell whoever runs ChatVault: the backup storage needs attention (space, access or the database).',
        reconnect: false,
      };
    case 'strategy_unsupported':
      return {
        why: 'The configured way of reading messages needs a Microsoft Graph feature this installation does not offer.',
        todo: 'Tell whoever runs ChatVault to choose another harvest strategy.',
        reconnect: false,
      };
    case 'scope_group_unreadable':
      return {
        why: 'An Entra group the backup scope names could not be read (deleted, or the app lost the permission to read its members).',
        todo: 'Check the group still exists and the app still has GroupMember.Read.All with admin consent (setup guide steps 8-12), or change the scope.',
        reconnect: false,
      };
    case 'run_failed':
      return {
        why: 'The backup could not start or go on (for example, no working connection, or the users could not be listed).',
        todo: 'Check the connection with status, connect again if it is failing, then start a backup.',
        reconnect: true,
      };
    default: {
      const unreachable: never = kind;
      return {
        why: `Problem: ${String(unreachable)}.`,
        todo: 'Tell your ChatVault support.',
        reconnect: false,
      };
    }
  }
}

function isKnown(kind: string): kind is RunErrorKind {
  return (KNOWN_KINDS as readonly string[]).includes(kind);
}

/** One line per kind of problem the run met, each with a count and the first example's words. */
export function runProblems(errors: readonly RunErrorGroup[], limit = 5): string[] {
  return errors.slice(0, limit).map((group) => {
    const advice = isKnown(group.kind) ? adviceFor(group.kind).why : `Problem "${group.kind}".`;
    const times = group.count > 1 ? ` (${formatCount(group.count)} times)` : '';
    return `${advice}${times}`;
  });
}

/** What to do after a run that did not succeed: the advice of each kind met, without repeats. */
export function runTodo(run: RunRecord): { todo: string[]; reconnect: boolean } {
  if (run.outcome === 'cancelled')
    return {
      todo: ['Start a backup again when it suits you: the next run reads what this one did not.'],
      reconnect: false,
    };
  const todo = new Set<string>();
  let reconnect = false;
  for (const group of run.errors) {
    if (!isKnown(group.kind)) {
      todo.add('Tell your ChatVault support about the problems listed.');
      continue;
    }
    const advice = adviceFor(group.kind);
    todo.add(advice.todo);
    reconnect ||= advice.reconnect;
  }
  if (todo.size === 0)
    todo.add('Start a backup again; if it fails the same way, check the connection with status.');
  return { todo: [...todo], reconnect };
}
