import type {
  GraphChatMessage,
  ModifiedWindow,
  ReadOptions,
  TenantGraphSource,
} from '../../graph/tenant-graph-source';

/**
 * getAllMessages filtered on the sender (`from/user/id eq '<id>'`), which the sender-split strategy
 * needs. Not part of `TenantGraphSource` yet: a source that offers it is used, any other makes the
 * strategy's items fail with `strategy_unsupported`.
 */
export interface SenderFilteredGraphSource {
  allMessagesFrom(
    userId: string,
    senderId: string,
    window: ModifiedWindow,
    options?: ReadOptions,
  ): AsyncIterable<GraphChatMessage[]>;
}

export function senderFiltered(graph: TenantGraphSource): SenderFilteredGraphSource | undefined {
  const candidate = graph as Partial<SenderFilteredGraphSource>;
  return typeof candidate.allMessagesFrom === 'function'
    ? (candidate as SenderFilteredGraphSource)
    : undefined;
}
