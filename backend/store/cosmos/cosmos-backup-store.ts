import { systemClock, type Clock } from '../../connection/clock';
import type { BackupStore } from '../backup-store';
import { composeStores } from '../compose-store';
import { CosmosChatStore } from './cosmos-chat-store';
import { CosmosCheckpointStore } from './cosmos-checkpoint-store';
import type { CosmosContainers } from './cosmos-containers';
import { CosmosDirectoryStore } from './cosmos-directory-store';
import { CosmosLeaseStore } from './cosmos-lease-store';
import { CosmosMessageStore } from './cosmos-message-store';
import { CosmosRunStore } from './cosmos-run-store';

export interface CosmosBackupStoreOptions {
  /** Stamps leases, claims, runs and checkpoints; tests pass a manual clock. */
  clock?: Pick<Clock, 'now'>;
  /** Test seam: called before every message document write; throwing fails the write like a crash. */
  beforeWrite?: () => void;
}

/** The production backup store over the containers `openCosmosContainers` made. */
export function createCosmosBackupStore(
  containers: CosmosContainers,
  options: CosmosBackupStoreOptions = {},
): BackupStore {
  const clock = options.clock ?? systemClock;
  return composeStores<BackupStore>(
    new CosmosDirectoryStore(containers.tenant, clock),
    new CosmosChatStore(containers.tenant),
    new CosmosMessageStore(containers.messages, options.beforeWrite),
    new CosmosCheckpointStore(containers.tenant, clock),
    new CosmosRunStore(containers.tenant, clock),
    new CosmosLeaseStore(containers.tenant, clock),
  );
}
