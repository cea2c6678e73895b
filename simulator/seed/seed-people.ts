import type { NewUser } from '../state/directory';
import type { EventUserIdentity } from '../state/event-detail-json';
import { guidFrom } from '../state/graph-ids';
import { userSender, type FromIdentitySet } from '../state/message-json';
import { eventUser, federatedParticipant, type Participant } from '../state/participants';
import type { SeedRandom } from './seed-random';

/** The people of a seeded tenant: directory users with their special cases, federated outsiders and bots. */

export interface SeedPerson {
  participant: Participant;
  kind: 'member' | 'guest' | 'federated';
  /** Set for directory users. */
  upn: string | null;
  disabled: boolean;
  /** Precomputed shapes every message of theirs repeats. */
  from: FromIdentitySet;
  event: EventUserIdentity;
}

export interface SeedBot {
  id: string;
  displayName: string;
}

export interface SeedPeople {
  /** Directory users to insert, in ordinal order, with their ids filled in. */
  users: (NewUser & { id: string; userPrincipalName: string })[];
  /** Licensed, non-guest directory users (the disabled one included: chats remember them). */
  internal: SeedPerson[];
  guest: SeedPerson | undefined;
  federated: SeedPerson[];
  bots: SeedBot[];
}

const GIVEN = [
  'Adele',
  'Alex',
  'Allan',
  'Bianca',
  'Christie',
  'Debra',
  'Diego',
  'Emily',
  'Enrico',
  'Grady',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Raul',
  'Sofia',
  'Tomás',
  'Yuki',
  'Zoë',
  'Amir',
  'Chen',
  'Fatima',
  'Jonas',
  'Kwame',
  'Olga',
  'Priya',
  'Seán',
];
const SURNAMES = [
  'Vance',
  'Wilber',
  'Deyoung',
  'Pila',
  'Cline',
  'Berry',
  'Soto',
  'Braun',
  'Gradel',
  'Archie',
  'Mueller',
  'Bowen',
  'Langer',
  'Lanier',
  'Sherman',
  'Gu',
  'Holloway',
  'Robbins',
  'Caldwell',
  'Wilke',
  'Fernandes',
  'Gupta',
  'Rodriguez',
  'Nakamura',
  'Müller',
  "O'Brien",
  'Haddad',
  'Wang',
  'Okafor',
  'Ivanova',
  'Lindqvist',
  'García',
];

/** Names written in right-to-left scripts: display names must survive as they are. */
const NATIVE = [
  { displayName: 'ليلى حداد', givenName: 'ليلى', surname: 'حداد', alias: 'layla.haddad' },
  { displayName: 'נועה כהן', givenName: 'נועה', surname: 'כהן', alias: 'noa.cohen' },
];

function alias(given: string, surname: string): string {
  return `${given}.${surname}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]/g, '');
}

export function directoryPerson(
  tenantId: string,
  u: NewUser & { id: string; userPrincipalName: string },
  homeTenantId?: string,
): SeedPerson {
  const participant: Participant = {
    userId: u.id,
    displayName: u.displayName,
    email: u.mail ?? u.userPrincipalName,
    tenantId: homeTenantId ?? tenantId,
    userIdentityType: 'aadUser',
    external: homeTenantId !== undefined,
  };
  return {
    participant,
    kind: homeTenantId ? 'guest' : 'member',
    upn: u.userPrincipalName,
    disabled: u.accountEnabled === false,
    from: userSender({
      id: u.id,
      displayName: u.displayName,
      userIdentityType: 'aadUser',
      tenantId: participant.tenantId,
    }),
    event: eventUser(participant),
  };
}

/**
 * Users by position: the last is unlicensed, the one before disabled, the one before that a guest
 * from another tenant (each only when there are enough users to keep two ordinary members).
 */
export function seedPeople(
  rng: SeedRandom,
  seed: string,
  tenantId: string,
  domain: string,
  userCount: number,
): SeedPeople {
  const given = rng.sample(GIVEN, GIVEN.length);
  const surnames = rng.sample(SURNAMES, SURNAMES.length);
  const unlicensed = userCount >= 3 ? userCount - 1 : -1;
  const disabled = userCount >= 4 ? userCount - 2 : -1;
  const guest = userCount >= 5 ? userCount - 3 : -1;
  const guestTenant = guidFrom(seed, 'external-tenant', 'guest');
  const taken = new Set<string>();
  const users: SeedPeople['users'] = [];
  const internal: SeedPerson[] = [];
  let guestPerson: SeedPerson | undefined;

  for (let i = 0; i < userCount; i++) {
    const native = i === 2 ? NATIVE[0] : i === 7 ? NATIVE[1] : undefined;
    let g = given[i % given.length]!;
    let s = surnames[i % surnames.length]!;
    let name = native ? native.alias : alias(g, s);
    for (let k = 2; taken.has(name); k++) name = `${alias(g, s)}${k}`;
    taken.add(name);
    if (native) [g, s] = [native.givenName, native.surname];
    const displayName = native ? native.displayName : `${g} ${s}`;

    if (i === guest) {
      const mail = `${name}@northwindtraders.example`;
      const upn = `${mail.replace('@', '_')}#EXT#@${domain}`;
      const u = {
        id: guidFrom(seed, 'user', i),
        displayName: `${displayName} (Guest)`,
        givenName: g,
        surname: s,
        userPrincipalName: upn,
        mail,
        userType: 'Guest' as const,
        homeTenantId: guestTenant,
      };
      users.push(u);
      guestPerson = directoryPerson(tenantId, u, guestTenant);
      continue;
    }
    const upn = `${name}@${domain}`;
    const u = {
      id: guidFrom(seed, 'user', i),
      displayName,
      givenName: g,
      surname: s,
      userPrincipalName: upn,
      mail: upn,
      jobTitle: rng.pick([
        'Engineer',
        'Designer',
        'Sales Manager',
        'Accountant',
        'Support Lead',
        'Product Manager',
        null,
      ]),
      teamsLicensed: i !== unlicensed,
      accountEnabled: i !== disabled,
    };
    users.push(u);
    if (u.teamsLicensed) internal.push(directoryPerson(tenantId, u));
  }

  const federationTenant = guidFrom(seed, 'external-tenant', 'federation');
  const federated = ['Ravi Patel', 'Ines Moreau'].map((name, k): SeedPerson => {
    const participant = federatedParticipant({
      id: guidFrom(seed, 'federated', k),
      displayName: name,
      tenantId: federationTenant,
    });
    return {
      participant,
      kind: 'federated',
      upn: null,
      disabled: false,
      from: userSender({
        id: participant.userId,
        displayName: name,
        userIdentityType: 'federatedUser',
        tenantId: federationTenant,
      }),
      event: eventUser(participant),
    };
  });

  const bots = [
    { id: guidFrom(seed, 'bot', 'builds'), displayName: 'Build Bot' },
    { id: guidFrom(seed, 'bot', 'polls'), displayName: 'Polly' },
  ];
  return { users, internal, guest: guestPerson, federated, bots };
}
