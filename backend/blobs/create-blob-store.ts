import type { AppConfig } from '../config/config';
import { AzureBlobStore } from './azure-blob-store';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';

/** The blob store the configuration asks for: files under DATA_DIR (the default) or Azure Blob Storage. */
export function createBlobStore(blobs: AppConfig['blobs']): BlobStore {
  switch (blobs.kind) {
    case 'fs':
      return new FsBlobStore({ dir: blobs.dir });
    case 'azure':
      return AzureBlobStore.fromConnectionString(blobs.connectionString, blobs.container);
    default:
      return assertNever(blobs);
  }
}

function assertNever(value: never): never {
  // Only the kind: the rest of the configuration may hold a connection string.
  throw new Error(`Unhandled blob store kind: ${(value as { kind?: unknown }).kind}`);
}
