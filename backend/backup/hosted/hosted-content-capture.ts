import { createHash } from 'node:crypto';
import type { BlobStore } from '../../blobs/blob-store';
import { GraphReadError, type TenantGraphSource } from '../../graph/tenant-graph-source';
import type { HostedContentRef } from '../../store/backup-records';
import type { BackupHooks } from '../run/backup-hooks';
import { locationKey, type HostedContentLocation } from './hosted-content-refs';

export interface CapturedHostedContents {
  /** By `locationKey`; a location Graph no longer serves has no entry. */
  refs: Map<string, HostedContentRef>;
  /** Hosted contents Graph no longer serves: the version is kept without them. */
  missing: { location: HostedContentLocation; message: string }[];
  /** Blobs this capture stored for the first time, and their bytes. */
  newBlobs: number;
  newBytes: number;
}

export interface HostedContentCaptureDeps {
  tenantId: string;
  graph: Pick<TenantGraphSource, 'hostedContent'>;
  blobs: Pick<BlobStore, 'put'>;
  hooks: BackupHooks;
  /** Hosted contents read at once. */
  concurrency: number;
}

/** How many locations' refs one process remembers: a message's versions share their images. */
const REMEMBERED = 10_000;

/**
 * Inline images and other hosted contents into the blob store, content-addressed: the bytes are
 * hashed here and the store checks the hash again as it writes (`expectedSha256`), so a blob's name
 * always proves its bytes. The same bytes recurring in any number of messages are stored once.
 *
 * A location already captured by this process (a reaction or an edit makes a new version of the
 * same message, with the same images) is not read again; a location being captured by another
 * worker is awaited rather than read twice.
 */
export class HostedContentCapture {
  private readonly known = new Map<string, Promise<HostedContentRef>>();

  constructor(private readonly deps: HostedContentCaptureDeps) {}

  async capture(locations: HostedContentLocation[], signal?: AbortSignal): Promise<CapturedHostedContents> {
    const result: CapturedHostedContents = { refs: new Map(), missing: [], newBlobs: 0, newBytes: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < locations.length) {
        const index = next++;
        const location = locations[index]!;
        try {
          result.refs.set(locationKey(location), await this.one(location, result, signal));
        } catch (error) {
          if (error instanceof GraphReadError && error.reason === 'not_found') {
            result.missing.push({ location, message: error.message });
          } else {
            throw error;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency, locations.length) }, worker));
    return result;
  }

  private one(
    location: HostedContentLocation,
    result: CapturedHostedContents,
    signal?: AbortSignal,
  ): Promise<HostedContentRef> {
    const key = locationKey(location);
    const known = this.known.get(key);
    if (known) return known;
    const pending = this.fetchAndStore(location, result, signal);
    this.known.set(key, pending);
    // A failed capture is forgotten, so that the next version or run tries again (unless a newer
    // capture of the location took its place after it was pushed out of the memory).
    pending.catch(() => {
      if (this.known.get(key) === pending) this.known.delete(key);
    });
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
    return pending;
  }

  private async fetchAndStore(
    location: HostedContentLocation,
    result: CapturedHostedContents,
    signal?: AbortSignal,
  ): Promise<HostedContentRef> {
    const { bytes, contentType } = await this.deps.graph.hostedContent(
      location.chatId,
      location.messageId,
      location.hostedContentId,
      { signal },
    );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const put = await this.deps.blobs.put(this.deps.tenantId, this.chunked(bytes), {
      contentType: storableContentType(contentType),
      expectedSha256: sha256,
      signal,
    });
    if (!put.existed) {
      result.newBlobs++;
      result.newBytes += put.size;
    }
    await this.deps.hooks.at('blob-stored');
    return { id: location.hostedContentId, sha256: put.sha256, contentType, size: put.size };
  }

  /** The bytes in two halves, so that a test can stop the process between them. */
  private async *chunked(bytes: Buffer): AsyncGenerator<Uint8Array> {
    const half = Math.floor(bytes.length / 2);
    yield bytes.subarray(0, half);
    await this.deps.hooks.at('blob-midway');
    yield bytes.subarray(half);
  }
}

/** The blob store keeps a header-safe MIME type; Graph's may carry parameters or be missing. */
function storableContentType(contentType: string): string {
  const trimmed = contentType.trim();
  return trimmed !== '' && /^[\x20-\x7e]+$/.test(trimmed)
    ? trimmed.slice(0, 255)
    : 'application/octet-stream';
}
