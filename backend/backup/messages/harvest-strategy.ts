import type { WorkItem } from '../run/work-item-key';

/**
 * How a full run reads the message history: which users' getAllMessages and which chats' own
 * listings it asks for. Every strategy yields work items, so any of them is shared between
 * processes, resumed and counted the same way; the benchmark runs each on the same tenant.
 * Choice and measurements: docs/backup.md.
 */
export type HarvestStrategyName = 'per-user' | 'per-chat' | 'hybrid' | 'sender-split';

export const HARVEST_STRATEGY_NAMES: readonly HarvestStrategyName[] = [
  'per-user',
  'per-chat',
  'hybrid',
  'sender-split',
];

/** A chat as planning sees it. */
export interface PlannedChat {
  chatId: string;
  /** Users backed up in this run who are members of the chat now: whose getAllMessages include it. */
  readers: string[];
  /**
   * The chat's expected share of the messages, in any unit (only ratios matter): the messages
   * stored of it, or an estimate for a chat never read.
   */
  weight: number;
}

export interface HarvestPlanInput {
  /** Users backed up in this run (licensed, enabled, chats listed). */
  users: string[];
  chats: PlannedChat[];
  /** Messages per second one user's getAllMessages delivers at most (see GRAPH_CEILINGS.oneReader). */
  readerCeiling?: number;
}

export interface HarvestStrategy {
  readonly name: HarvestStrategyName;
  /**
   * Whether it reads every message of every chat. A strategy that is not complete is kept for
   * measurement only: it is never the default, and docs/backup.md says what it misses.
   */
  readonly complete: boolean;
  plan(input: HarvestPlanInput): WorkItem[];
}
