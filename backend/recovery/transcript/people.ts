import type { ChatMemberRecord } from '../../store/backup-records';
import type { DirectoryStore } from '../../store/backup-store';

/** A person (or app) as a message names them: an id, and the name Graph gave, often none. */
export interface NamedIdentity {
  id: string;
  displayName: string | null;
}

/**
 * Names for the ids messages carry. Graph often leaves `displayName` null in mentions, reactions
 * and system events; the chat's member records and the tenant's directory (as the backup found
 * them) name most people. A name found once is remembered for the rest of the transcript or export.
 */
export class PeopleNames {
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();

  constructor(
    private readonly tenantId: string,
    private readonly directory: Pick<DirectoryStore, 'getUser'>,
  ) {}

  addMembers(members: readonly ChatMemberRecord[]): void {
    for (const member of members) if (member.displayName) this.remember(member.userId, member.displayName);
  }

  /** Learns the names the messages carry, then asks the directory about the ids still unnamed. */
  async learn(messages: readonly Record<string, unknown>[]): Promise<void> {
    const unnamed = new Set<string>();
    for (const message of messages) {
      for (const person of identitiesIn(message)) {
        if (person.displayName) this.remember(person.id, person.displayName);
        else if (!this.names.has(person.id)) unnamed.add(person.id);
      }
    }
    for (const id of unnamed) {
      if (this.names.has(id) || this.asked.has(id)) continue;
      this.asked.add(id);
      const user = await this.directory.getUser(this.tenantId, id);
      if (user?.displayName) this.remember(id, user.displayName);
    }
  }

  name(id: string | null | undefined): string | undefined {
    return id ? this.names.get(id) : undefined;
  }

  /** The identity's own name, else the one known for its id, else `fallback`. */
  nameOf(identity: NamedIdentity | null | undefined, fallback = 'Someone'): string {
    return identity?.displayName || this.name(identity?.id) || fallback;
  }

  private remember(id: string, name: string): void {
    if (!this.names.has(id)) this.names.set(id, name);
  }
}

/**
 * Every identity a Graph chatMessage mentions: sender, mentioned people, reacting people, and the
 * people of its system event (initiator, members, participants, organizer). Identities are objects
 * with a string `id` under a `user` (or `application`) key, or carrying `userIdentityType`.
 */
export function identitiesIn(message: Record<string, unknown>): NamedIdentity[] {
  const found: NamedIdentity[] = [];
  const visit = (value: unknown, key: string | undefined, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    if (
      typeof record['id'] === 'string' &&
      (key === 'user' || key === 'application' || 'userIdentityType' in record)
    ) {
      const displayName = typeof record['displayName'] === 'string' ? record['displayName'] : null;
      found.push({ id: record['id'], displayName });
    }
    for (const [childKey, child] of Object.entries(record)) {
      if (childKey === 'body' || childKey === 'attachments') continue;
      visit(child, childKey, depth + 1);
    }
  };
  visit(message['from'], 'from', 0);
  visit(message['mentions'], 'mentions', 0);
  visit(message['reactions'], 'reactions', 0);
  visit(message['eventDetail'], 'eventDetail', 0);
  return found;
}
