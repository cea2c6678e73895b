import type { CardVerb } from '../card-action-token';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import type { ConversationScope } from '../turn-identity';
import type { SignButton } from './sign-button';

export interface HelpCardState {
  /** Admins see every command; others see what they may do and who can do the rest. */
  isAdmin: boolean;
  /** Whether the tenant has any admin yet (if not, whoever connects working credentials becomes one). */
  tenantHasAdmins: boolean;
  /** Where the card is shown: its notices button names the place. */
  scope: ConversationScope;
}

const COMMANDS: { name: string; description: string; who: 'anyone' | 'admins' | 'setup' }[] = [
  {
    name: 'connect',
    description: "Enter the tenant app's Application ID and App Secret Code, then Test & Save",
    who: 'setup',
  },
  {
    name: 'status',
    description: 'Connection, the backup under way, the last run, the next one',
    who: 'admins',
  },
  { name: 'backup now', description: 'Start a backup now', who: 'admins' },
  { name: 'cancel', description: 'Stop the backup under way', who: 'admins' },
  { name: 'history', description: 'The last backup runs and how they ended', who: 'admins' },
  { name: 'schedule', description: 'Show or change when backups run', who: 'admins' },
  {
    name: 'subscribe',
    description: 'Send status cards and alerts here (a team channel, or this chat)',
    who: 'admins',
  },
  { name: 'unsubscribe', description: 'Stop sending them here', who: 'admins' },
  {
    name: 'admins',
    description: 'Who may manage ChatVault; change it with admins add or admins remove and a UPN',
    who: 'admins',
  },
  {
    name: 'export',
    description:
      'A download link for you alone: export chat and its id, export user and a UPN, or export all; add json, or at and a moment (in our personal chat; export alone gives a form)',
    who: 'admins',
  },
  { name: 'help', description: 'This list', who: 'anyone' },
];

const BUTTONS: { title: string; verb: CardVerb }[] = [
  { title: 'Status', verb: 'status' },
  { title: 'Backup now', verb: 'backup.start' },
  { title: 'History', verb: 'history' },
  { title: 'Schedule', verb: 'schedule' },
];

export async function helpCard(state: HelpCardState, sign: SignButton): Promise<AdaptiveCardJson> {
  // `setup` commands are for admins, and for anyone while the tenant has no admin yet.
  const mayUse = (who: (typeof COMMANDS)[number]['who']) =>
    who === 'anyone' || state.isAdmin || (who === 'setup' && !state.tenantHasAdmins);
  const commands = COMMANDS.filter((c) => mayUse(c.who)).map(({ name, description }) => ({
    name,
    description,
  }));
  let intro: string;
  if (state.isAdmin)
    intro = 'ChatVault backs up the private chats of your organization. As a ChatVault admin you can:';
  else if (!state.tenantHasAdmins)
    intro =
      'ChatVault backs up the private chats of your organization. Nobody manages it here yet: whoever connects a working tenant app first becomes its admin.';
  else
    intro =
      'ChatVault backs up the private chats of your organization. It is managed by its admins; ask one of them to add you if you need to manage it.';
  const buttons = [];
  if (state.isAdmin) {
    for (const b of BUTTONS) buttons.push({ title: b.title, verb: b.verb, token: await sign(b.verb) });
    // Five card actions at most (the Adaptive Cards renderer's default host config): this is the fifth.
    if (state.scope !== 'groupChat')
      buttons.push({
        title: state.scope === 'channel' ? 'Send notices here' : 'Send notices to me',
        verb: 'subscribe',
        token: await sign('subscribe'),
      });
  } else if (!state.tenantHasAdmins)
    buttons.push({ title: 'Connect', verb: 'connect', token: await sign('connect') });
  const footer =
    buttons.length > 0
      ? 'Type a command (in any case), or use the buttons.'
      : 'Type a command (in any case).';
  return renderCard('help', { intro, commands, buttons, footer });
}
