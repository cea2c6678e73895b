/**
 * Messages per second each way of reading can deliver at most, from Microsoft's limits per app per
 * tenant [throttling-limits, Teams section] and the 50 messages a page carries at most.
 */
const PAGE = 50;

export const GRAPH_CEILINGS = {
  /** getAllMessages: 200 requests per second. */
  getAllMessages: 200 * PAGE,
  /** Per-chat listing shares the 30 requests per second of "other Teams GETs". */
  chatListing: 30 * PAGE,
  /** And reads any one chat at 1 request per second. */
  oneChat: 1 * PAGE,
  /**
   * One user's getAllMessages. Microsoft documents no per-user limit for it (only 5 rps per user
   * for list/get chats), but the Graph source paces it per user at that rate too: a reader can
   * go no faster. `BackupSettings.readerCeiling` overrides it.
   */
  oneReader: 5 * PAGE,
} as const;
