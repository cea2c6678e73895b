import type { Container, PatchOperation } from '@azure/cosmos';
import type { Clock } from '../../connection/clock';
import type {
  DirectoryUser,
  DirectoryUserInput,
  Page,
  PageOptions,
  UserBackupStatus,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { DirectoryStore } from '../backup-store';
import { pageLimit } from '../paging';
import {
  createDoc,
  docId,
  forEachLimited,
  hasStatus,
  queryPage,
  readDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';

type UserDoc = Doc &
  Omit<DirectoryUser, 'lastError'> & { type: 'user'; lastError?: DirectoryUser['lastError'] | null };

const userDocId = (userId: string) => docId('user', userId);

export class CosmosDirectoryStore implements DirectoryStore {
  constructor(
    private readonly container: Container,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async upsertUsers(tenantId: string, users: DirectoryUserInput[]): Promise<void> {
    const updatedAt = this.clock.now().toISOString();
    await forEachLimited(users, 16, (user) => this.upsertUser(tenantId, user, updatedAt));
  }

  async setUserBackupStatus(tenantId: string, userId: string, status: UserBackupStatus): Promise<void> {
    // `set` to null rather than `remove`: removing an absent property fails the whole patch.
    const operations: PatchOperation[] = [{ op: 'set', path: '/lastError', value: status.lastError }];
    if (status.lastBackedUpAt !== undefined)
      operations.push({ op: 'set', path: '/lastBackedUpAt', value: status.lastBackedUpAt });
    try {
      await this.container.item(userDocId(userId), tenantId).patch(operations);
    } catch (error) {
      if (hasStatus(error, 404))
        throw new BackupStoreError('not_found', `No user ${userId} in the tenant's directory.`);
      throw error;
    }
  }

  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    const doc = await readDoc<UserDoc>(this.container, userDocId(userId), tenantId);
    return doc && toUser(doc);
  }

  async listUsers(tenantId: string, options: PageOptions = {}): Promise<Page<DirectoryUser>> {
    const page = await queryPage<UserDoc>(
      this.container,
      {
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'user' ORDER BY c.userId",
        parameters: [{ name: '@t', value: tenantId }],
      },
      { partitionKey: tenantId, limit: pageLimit(options.limit), cursor: options.cursor },
    );
    return { ...page, items: page.items.map(toUser) };
  }

  /** A patch keeps the backup status; the first discovery of a user creates it. */
  private async upsertUser(tenantId: string, user: DirectoryUserInput, updatedAt: string): Promise<void> {
    const fields = { upn: user.upn, displayName: user.displayName, state: user.state, updatedAt };
    const operations: PatchOperation[] = Object.entries(fields).map(([name, value]) => ({
      op: 'set',
      path: `/${name}`,
      value,
    }));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.container.item(userDocId(user.userId), tenantId).patch(operations);
        return;
      } catch (error) {
        if (!hasStatus(error, 404)) throw error;
      }
      const doc: UserDoc = {
        id: userDocId(user.userId),
        type: 'user',
        tenantId,
        userId: user.userId,
        ...fields,
      };
      if ((await createDoc(this.container, doc)) !== undefined) return;
      // Created by another worker between our patch and our create: patch it.
    }
    throw new BackupStoreError('contention', `User ${user.userId} kept appearing and disappearing.`);
  }
}

function toUser(doc: UserDoc): DirectoryUser {
  const user = withoutFields<DirectoryUser & { lastError?: DirectoryUser['lastError'] | null }>(
    doc,
    'id',
    'type',
  );
  if (user.lastError === null) delete user.lastError;
  return user as DirectoryUser;
}
