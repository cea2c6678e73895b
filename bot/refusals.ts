import type { ActionRefusal } from './card-action-token';
import type { IdentityProblem } from './turn-identity';

/**
 * What the bot says when it will not do something. Polite, says what to do instead, and never
 * tells anything about the tenant (not even who its admins are) to someone who may not see it.
 */
export const SAY = {
  notAdmin:
    "Only ChatVault admins can do that. If you need to, ask one of your organization's ChatVault admins to add you.",
  setupTaken:
    'ChatVault is already set up for your organization, and only its admins can change the connection. If you need to, ask one of them to add you as an admin.',
  connectInPersonalChat:
    'To keep the App Secret Code out of shared conversations, connect in your personal chat with me: open ChatVault in the app bar and type connect.',
  exportInPersonalChat:
    'Export links are personal: anyone who sees one could download with it. Ask me in your personal chat: open ChatVault in the app bar and type export.',
  exportsUnavailable:
    'Exports are not available here: this ChatVault server does not make export links in Teams. Ask whoever runs ChatVault.',
  unknown: "Sorry, I didn't understand that. Type help to see what I can do.",
  invalidCard:
    'That card sent something I did not expect, so I did nothing. Type the command again for a fresh card.',
  failed:
    'Sorry, something went wrong on my side and nothing was changed. Try again in a minute; if it keeps happening, tell whoever runs ChatVault.',
} as const;

export function identityRefusal(problem: IdentityProblem): string {
  switch (problem) {
    case 'no_tenant':
      return 'I can only work inside the Teams of a Microsoft 365 organization, and this conversation names none.';
    case 'no_person':
      return 'I could not tell who you are (this message carries no Microsoft Entra account), so I did nothing.';
    default: {
      const unreachable: never = problem;
      return String(unreachable);
    }
  }
}

export function cardRefusal(reason: ActionRefusal): string {
  switch (reason) {
    case 'expired':
      return 'This card is out of date, so I did nothing. Type the command again (or help) for a fresh card.';
    case 'used':
      return 'This button was already used, so I did nothing. Type status (or the command you need) for a fresh card.';
    case 'forged':
    case 'verb_mismatch':
    case 'wrong_conversation':
      return 'I did not make this card for this conversation, so I did nothing. Type help for a fresh one.';
    default: {
      const unreachable: never = reason;
      return String(unreachable);
    }
  }
}
