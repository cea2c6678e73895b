import type { Readable } from 'node:stream';

/**
 * Content-addressed storage of the bytes a backup keeps besides message documents: images and
 * other hosted contents. A blob's name is the SHA-256 of its bytes, so a blob never changes once
 * written, the same bytes are stored once per tenant however often they are backed up, and every
 * read can prove it returned what was written. Layout and guarantees: docs/storage.md.
 *
 * Every method takes the tenant first. Blobs of one tenant are invisible to calls made for
 * another: knowing (or guessing) a hash gives no access across tenants.
 *
 * Failures of the store's own rules are `BlobStoreError`s; failures of the medium (disk full,
 * permission denied, the storage service unreachable) are passed through as the underlying
 * library raised them.
 */
export interface BlobStore {
  /**
   * Stores `body` and names it by its hash. Nothing becomes visible until every byte is written
   * and hashed, so a failed or interrupted put leaves no blob behind; with `expectedSha256` a put
   * whose bytes hash to anything else fails with `hash_mismatch` and stores nothing. Putting
   * bytes the tenant already has stores nothing new and answers `existed: true`, also when
   * several puts of the same bytes race.
   */
  put(tenantId: string, body: BlobBody, options: PutOptions): Promise<PutResult>;
  /**
   * The blob's bytes as a stream. Fails with `not_found` when the tenant has no such blob; the
   * stream fails with `corrupt` at its end when the stored bytes no longer hash to their name.
   */
  get(tenantId: string, sha256: string, options?: ReadOptions): Promise<Readable>;
  /** `get`, collected into one buffer: for blobs known to be small. */
  getBuffer(tenantId: string, sha256: string, options?: ReadOptions): Promise<Buffer>;
  has(tenantId: string, sha256: string): Promise<boolean>;
  /** Resolves false when the tenant had no such blob. */
  delete(tenantId: string, sha256: string): Promise<boolean>;
  /** Reads the blob back in full and checks it still hashes to its name (restic's `check`). */
  verify(tenantId: string, sha256: string, options?: ReadOptions): Promise<VerifyResult>;
  /** Every blob the tenant holds, in no particular order. */
  list(tenantId: string): AsyncIterable<BlobEntry>;
  /**
   * Erases every blob of the tenant and resolves to how many there were. Puts for the tenant that
   * run at the same time may survive it: stop the tenant's work first.
   */
  deleteTenant(tenantId: string): Promise<number>;
}

/** Bytes in one piece, or a stream of them (a Node `Readable` without an encoding set). */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /** The MIME type the source declared; kept with the blob where the medium can hold it. */
  contentType: string;
  /** The hash the caller knows the bytes must have (lower- or upper-case hex). */
  expectedSha256?: string;
  signal?: AbortSignal;
}

export interface PutResult {
  /** Lower-case hex SHA-256 of the bytes: the blob's name. */
  sha256: string;
  size: number;
  /** True when the tenant already held these bytes, and this put stored nothing. */
  existed: boolean;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

export type VerifyResult =
  | { status: 'ok'; size: number }
  | { status: 'missing' }
  | { status: 'corrupt'; size: number; actualSha256: string };

export interface BlobEntry {
  sha256: string;
  size: number;
}
