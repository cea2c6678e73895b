import type { HarvestStrategy, HarvestStrategyName } from './harvest-strategy';
import { hybridStrategy } from './hybrid-strategy';
import { perChatStrategy } from './per-chat-strategy';
import { perUserStrategy } from './per-user-strategy';
import { senderSplitStrategy } from './sender-split-strategy';

export function harvestStrategy(name: HarvestStrategyName): HarvestStrategy {
  switch (name) {
    case 'per-user':
      return perUserStrategy;
    case 'per-chat':
      return perChatStrategy;
    case 'hybrid':
      return hybridStrategy;
    case 'sender-split':
      return senderSplitStrategy;
    default: {
      const unreachable: never = name;
      throw new Error(`unknown harvest strategy ${String(unreachable)}`);
    }
  }
}
