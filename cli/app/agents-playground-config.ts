import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A person of the Playground's mock Teams context. `id` is the Bot Framework channel account id
 * (`from.id`), `aadObjectId` the Entra object id (`from.aadObjectId`, the id ChatVault knows people
 * by). The Playground's file spells the UPN key `userPrincipleName`; it is mapped when written.
 */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipalName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/**
 * Everything the Playground (0.2.x, config schema 0.1.1) lets one choose about the mock Teams
 * context. Its schema fixes the shape: exactly five other users, one group chat, one team whose
 * General channel has the team's id, and at most one more channel.
 */
export interface PlaygroundConfig {
  /** Sent as `conversation.tenantId` and `channelData.tenant.id` on every activity. */
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: [PlaygroundUser, PlaygroundUser, PlaygroundUser, PlaygroundUser, PlaygroundUser];
  personalChatId: string;
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channel?: { id: string; name: string } };
}

/** A person of the tenant, as the directory knows them. */
export interface PlaygroundPerson {
  /** Entra object id (a GUID). */
  id: string;
  upn: string;
  displayName: string;
}

/** The tenant the Playground pretends to be Teams for, and who uses it. */
export interface PlaygroundTenant {
  id: string;
  /** The person using the Playground: their activities carry this object id. */
  user: PlaygroundPerson;
  /** Up to five more people (the group chat's and team's members); made-up ones fill the rest. */
  others?: readonly PlaygroundPerson[];
}

export const PLAYGROUND_CONFIG_FILE = '.m365agentsplayground.yml';

/** A person as the Playground's mock Teams context shows them. */
export function playgroundUser(person: PlaygroundPerson): PlaygroundUser {
  const [given = person.displayName, ...rest] = person.displayName.trim().split(/\s+/);
  return {
    id: `29:${person.id}`,
    name: person.displayName,
    userPrincipalName: person.upn,
    aadObjectId: person.id,
    givenName: given,
    surname: rest.join(' '),
    email: person.upn,
  };
}

/**
 * The mock Teams context for a tenant: its person in a personal chat with ChatVault, a group chat,
 * and a team with a General channel and a channel for backup notices. Every id the bot checks is a
 * well-formed GUID (unlike the Playground's built-in file, whose ids have 13 digits in their last
 * group), as ChatVault's tenant binding expects of a Teams activity.
 */
export function agentsPlaygroundConfig(tenant: PlaygroundTenant): PlaygroundConfig {
  const others = (tenant.others ?? []).filter((p) => p.id.toLowerCase() !== tenant.user.id.toLowerCase());
  const users = [0, 1, 2, 3, 4].map((i) =>
    playgroundUser(others[i] ?? madeUpPerson(i + 1)),
  ) as PlaygroundConfig['users'];
  return {
    tenantId: tenant.id,
    bot: { id: '28:chatvault-playground-bot', name: 'ChatVault' },
    currentUser: playgroundUser(tenant.user),
    users,
    personalChatId: 'a:playground-personal-chat',
    groupChat: { id: '19:playground-group@thread.v2', name: 'Ops Group' },
    team: {
      id: '19:playground-general@thread.tacv2',
      name: 'IT Team',
      aadGroupId: '5d1e7f20-3a9b-4c6d-8e0f-112233445566',
      channel: { id: '19:playground-alerts@thread.tacv2', name: 'Backup Alerts' },
    },
  };
}

/** Fills the five places the Playground's schema requires when the tenant has fewer people. */
function madeUpPerson(n: number): PlaygroundPerson {
  return {
    id: `7a3e9c10-0b4d-4e8f-9a21-${String(n).padStart(12, '0')}`,
    upn: `playground.person${n}@playground.invalid`,
    displayName: `Playground Person${n}`,
  };
}

function fileUser(u: PlaygroundUser): Record<string, string> {
  return {
    id: u.id,
    name: u.name,
    userPrincipleName: u.userPrincipalName,
    aadObjectId: u.aadObjectId,
    givenName: u.givenName,
    surname: u.surname,
    email: u.email,
  };
}

/**
 * Writes the config as the Playground's `.m365agentsplayground.yml` into `dir` and returns its path.
 * JSON is valid YAML, so no YAML writer is needed.
 */
export function writePlaygroundConfig(dir: string, config: PlaygroundConfig): string {
  const file = {
    version: '0.1.1',
    tenantId: config.tenantId,
    bot: config.bot,
    currentUser: fileUser(config.currentUser),
    users: config.users.map(fileUser),
    personalChat: { id: config.personalChatId },
    groupChat: config.groupChat,
    team: {
      id: config.team.id,
      name: config.team.name,
      aadGroupId: config.team.aadGroupId,
      channels: config.team.channel ? [config.team.channel] : [],
    },
  };
  const path = join(dir, PLAYGROUND_CONFIG_FILE);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}
