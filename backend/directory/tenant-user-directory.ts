import { isGuid } from '../connection/input-checks';
import type { Logger } from '../observability/logger';
import type { DirectoryUser } from '../store/backup-records';
import type { DirectoryStore } from '../store/backup-store';
import { isDirectoryError } from './directory-error';
import type { GraphDirectoryUser } from './graph-user-lookup';
import type { UserLookupSource } from './connected-user-lookups';
import type { DirectoryPerson, UserDirectory } from './user-directory';

export interface TenantUserDirectoryDeps {
  /** Users the backup discovered (`GET /users` of each run). */
  store: Pick<DirectoryStore, 'getUser' | 'listUsers'>;
  /** The live directory through the tenant's saved app; absent when no Microsoft endpoints are configured. */
  live?: UserLookupSource;
  logger: Logger;
  /**
   * How many discovered users a look-up by UPN, or a search, reads before asking Graph. The store
   * is keyed by object id: finding a UPN or a prefix there means reading users in order, which is
   * cheap for a page and costly for a whole large tenant (Graph answers those by index).
   */
  storeScanLimit?: number;
}

/** A user principal name is at most 113 characters in Entra ID; anything longer is no user. */
const MAX_REFERENCE_LENGTH = 256;
const MAX_SEARCH_TEXT = 100;
const MAX_SEARCH_LIMIT = 50;
const DEFAULT_STORE_SCAN_LIMIT = 1000;
const SCAN_PAGE = 1000;

/** States in which a discovered user no longer exists in the directory. */
const GONE_STATES: ReadonlySet<DirectoryUser['state']> = new Set(['deleted', 'notFound']);

/**
 * The tenant's people: first those the backup discovered (no Graph call, works while Microsoft is
 * unreachable), then the live directory for anyone not discovered yet. Both are the tenant's own
 * directory only: a person of another tenant is no one here.
 */
export class TenantUserDirectory implements UserDirectory {
  private readonly scanLimit: number;

  constructor(private readonly deps: TenantUserDirectoryDeps) {
    this.scanLimit = deps.storeScanLimit ?? DEFAULT_STORE_SCAN_LIMIT;
  }

  async find(tenantId: string, upnOrId: string): Promise<DirectoryPerson | undefined> {
    const reference = upnOrId.trim();
    if (reference === '' || reference.length > MAX_REFERENCE_LENGTH) return undefined;
    const byId = isGuid(reference);
    // Neither an object id nor a UPN: no directory holds it, so Graph is not asked.
    if (!byId && !looksLikeUpn(reference)) return undefined;

    const discovered = byId
      ? await this.deps.store.getUser(tenantId, reference.toLowerCase())
      : await this.scanStore(tenantId, (u) => u.upn.toLowerCase() === reference.toLowerCase(), 1).then(
          ([first]) => first,
        );
    if (discovered && !GONE_STATES.has(discovered.state)) return fromDiscovered(discovered);

    const lookup = await this.deps.live?.lookupFor(tenantId);
    if (!lookup) return undefined;
    try {
      const found = await lookup.user(byId ? reference.toLowerCase() : reference);
      return found && fromGraph(found);
    } catch (error) {
      if (isDirectoryError(error)) this.deps.live?.forget(tenantId);
      throw error;
    }
  }

  async search(tenantId: string, text: string, limit: number): Promise<DirectoryPerson[]> {
    const prefix = text.trim();
    if (prefix === '' || prefix.length > MAX_SEARCH_TEXT) return [];
    const max = Number.isInteger(limit) ? Math.max(1, Math.min(MAX_SEARCH_LIMIT, limit)) : 10;
    const lower = prefix.toLowerCase();

    const discovered = await this.scanStore(
      tenantId,
      (u) => u.displayName.toLowerCase().startsWith(lower) || u.upn.toLowerCase().startsWith(lower),
      max,
    );
    const people = discovered
      .map(fromDiscovered)
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
    if (people.length >= max) return people.slice(0, max);

    const lookup = await this.deps.live?.lookupFor(tenantId);
    if (!lookup) return people;
    try {
      const seen = new Set(people.map((p) => p.id));
      for (const user of await lookup.search(prefix, max)) {
        const person = fromGraph(user);
        if (seen.has(person.id)) continue;
        seen.add(person.id);
        people.push(person);
        if (people.length >= max) break;
      }
    } catch (error) {
      if (!isDirectoryError(error)) throw error;
      // A picker still shows what the backup discovered; the failure is for the operator.
      this.deps.live?.forget(tenantId);
      this.deps.logger.warn(
        { tenantId, err: { name: error.name, reason: error.reason } },
        'live directory search failed',
      );
    }
    return people;
  }

  /** Discovered users that exist and satisfy `match`, reading at most `scanLimit` users. */
  private async scanStore(
    tenantId: string,
    match: (user: DirectoryUser) => boolean,
    want: number,
  ): Promise<DirectoryUser[]> {
    const found: DirectoryUser[] = [];
    if (this.scanLimit <= 0) return found;
    let read = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listUsers(tenantId, {
        limit: Math.min(SCAN_PAGE, this.scanLimit - read),
        ...(cursor ? { cursor } : {}),
      });
      read += page.items.length;
      for (const user of page.items) {
        if (!GONE_STATES.has(user.state) && match(user)) found.push(user);
        if (found.length >= want) return found;
      }
      cursor = page.next;
    } while (cursor && read < this.scanLimit);
    return found;
  }
}

/** Loosely a UPN: `something@something`, no spaces or control characters (Graph judges the rest). */
function looksLikeUpn(text: string): boolean {
  return (
    /^[^\s@]+@[^\s@]+$/.test(text) &&
    ![...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  );
}

function fromDiscovered(user: DirectoryUser): DirectoryPerson {
  return { id: user.userId, userPrincipalName: user.upn, displayName: user.displayName || user.upn };
}

function fromGraph(user: GraphDirectoryUser): DirectoryPerson {
  const person: DirectoryPerson = {
    id: user.id.toLowerCase(),
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName || user.userPrincipalName,
  };
  if (user.mail) person.mail = user.mail;
  return person;
}
