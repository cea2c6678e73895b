import type { Container } from '@azure/cosmos';
import type { Clock } from '../../connection/clock';
import type { Checkpoint } from '../backup-records';
import type { CheckpointStore } from '../backup-store';
import { deleteDoc, docId, readDoc, withoutFields, type Doc } from './cosmos-documents';

type CheckpointDoc = Doc & Checkpoint & { type: 'checkpoint' };

const checkpointDocId = (key: string) => docId('checkpoint', key);

export class CosmosCheckpointStore implements CheckpointStore {
  constructor(
    private readonly container: Container,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async getCheckpoint<T = unknown>(tenantId: string, key: string): Promise<Checkpoint<T> | undefined> {
    const doc = await readDoc<CheckpointDoc>(this.container, checkpointDocId(key), tenantId);
    return doc && withoutFields<Checkpoint<T>>(doc, 'id', 'type');
  }

  async putCheckpoint<T>(tenantId: string, key: string, value: T): Promise<Checkpoint<T>> {
    const checkpoint: Checkpoint<T> = { tenantId, key, value, updatedAt: this.clock.now().toISOString() };
    await this.container.items.upsert({ id: checkpointDocId(key), type: 'checkpoint', ...checkpoint });
    return checkpoint;
  }

  async deleteCheckpoint(tenantId: string, key: string): Promise<boolean> {
    return deleteDoc(this.container, checkpointDocId(key), tenantId);
  }
}
