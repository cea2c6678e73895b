import type { TenantBinding } from '../../backend/connection/tenant-binding';
import type { SubscribeInput } from '../../backend/notifications/notification-service';
import type { Actor } from '../../backend/store/connection-records';
import type { BotServices } from '../bot-services';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { ConversationScope, TurnPerson } from '../turn-identity';
import type { SignButton } from '../views/sign-button';

/**
 * A command's answer. A card answers a typed command as a new message and a button press by
 * replacing the pressed card; text answers a typed command as a message and a press as a note
 * to the person who pressed, leaving the card as it was.
 */
export type Reply =
  | {
      kind: 'card';
      card: AdaptiveCardJson;
      /** A status card of a run under way: the bot keeps it up to date until the run ends. */
      followsRun?: boolean;
    }
  | { kind: 'text'; text: string };

/** What a command knows of its turn. Everything tenant-bound comes from the signed activity. */
export interface CommandContext {
  services: BotServices;
  tenant: TenantBinding;
  person: TurnPerson;
  actor: Actor;
  scope: ConversationScope;
  isAdmin: boolean;
  tenantHasAdmins: boolean;
  /** Signs buttons for cards sent into this conversation. */
  sign: SignButton;
  /** This conversation as a place notices can go (a channel's names are looked up). */
  target(): Promise<SubscribeInput>;
}

export const text = (value: string): Reply => ({ kind: 'text', text: value });
export const card = (value: AdaptiveCardJson, followsRun = false): Reply =>
  followsRun ? { kind: 'card', card: value, followsRun } : { kind: 'card', card: value };
