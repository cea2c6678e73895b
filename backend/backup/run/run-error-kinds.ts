/**
 * The engine's stable codes for what a run met, as the run record groups them. Notices are
 * recorded and shown but do not make a run partial: they describe the tenant, not a failure to
 * back it up.
 */
export type RunErrorKind =
  /** Graph refused a user's chats (no Teams license, or a per-user refusal): skipped this run. */
  | 'user_unlicensed'
  /** The user was deleted between listing and reading: skipped. */
  | 'user_not_found'
  /** A chat was deleted between discovery and reading. */
  | 'chat_not_found'
  /** Graph no longer serves a hosted content a message refers to: the version is kept without it. */
  | 'hosted_content_missing'
  /** Graph returned a message it says nothing about which chat holds. */
  | 'message_without_chat'
  /** No token was accepted: the secret expired or was replaced. */
  | 'graph_unauthorized'
  /** Graph refused the app (permission missing or consent revoked). */
  | 'graph_forbidden'
  | 'graph_unavailable'
  | 'graph_bad_request'
  /** The store or the blob store failed. */
  | 'storage_failed'
  /** The strategy needs a Graph read this installation does not offer. */
  | 'strategy_unsupported'
  /**
   * An Entra group the scope names could not be read: under `only` its last known members stay in
   * scope (the run is partial); under `allExcept` the run stops before reading anyone.
   */
  | 'scope_group_unreadable'
  /** The run could not start or go on (no connection saved, users not listed). */
  | 'run_failed';

const NOTICES: ReadonlySet<string> = new Set<RunErrorKind>([
  'user_unlicensed',
  'user_not_found',
  'chat_not_found',
]);

export function isNotice(kind: string): boolean {
  return NOTICES.has(kind);
}
