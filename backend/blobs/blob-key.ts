import { BlobStoreError } from './blob-store-error';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Where a blob lives: `<tenantId>/<first two hex digits>/<sha256>`, all lower-case. The same
 * string is the file path under the filesystem store's root and the blob name in the Azure
 * container.
 *
 * Both parts are validated before they reach a path or URL: the tenant id is an Entra tenant id (a
 * GUID), so it can never climb out of its folder, and lower-casing both means "ABC…" and "abc…"
 * cannot become two names for one thing (case-insensitive filesystems would merge them anyway).
 */
export interface BlobKey {
  tenantId: string;
  sha256: string;
  key: string;
}

export function blobKey(tenantId: string, sha256: string): BlobKey {
  const tenant = checkTenantId(tenantId);
  const hash = checkSha256(sha256);
  return { tenantId: tenant, sha256: hash, key: `${tenant}/${hash.slice(0, 2)}/${hash}` };
}

/** The prefix every key of the tenant starts with, slash included. */
export function tenantPrefix(tenantId: string): string {
  return `${checkTenantId(tenantId)}/`;
}

/** The hash a key names, or undefined when `key` is not a blob key of `tenantId`. */
export function sha256OfKey(tenantId: string, key: string): string | undefined {
  const [tenant, fanout, hash, ...rest] = key.split('/');
  if (rest.length > 0 || tenant !== tenantId || !hash || !SHA256_HEX.test(hash)) return undefined;
  if (hash !== hash.toLowerCase() || fanout !== hash.slice(0, 2)) return undefined;
  return hash;
}

export function checkTenantId(tenantId: string): string {
  if (typeof tenantId !== 'string' || !GUID.test(tenantId)) {
    throw new BlobStoreError(
      'invalid_argument',
      `A tenant id must be an Entra tenant id (a GUID), not ${describe(tenantId)}.`,
    );
  }
  return tenantId.toLowerCase();
}

export function checkSha256(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw new BlobStoreError(
      'invalid_argument',
      `A blob hash must be 64 hex digits (SHA-256), not ${describe(sha256)}.`,
    );
  }
  return sha256.toLowerCase();
}

export function checkContentType(contentType: string): string {
  const trimmed = typeof contentType === 'string' ? contentType.trim() : '';
  // A header value: printable ASCII only, so it can be sent as Content-Type unchanged.
  if (trimmed === '' || trimmed.length > 255 || !/^[\x20-\x7e]+$/.test(trimmed)) {
    throw new BlobStoreError(
      'invalid_argument',
      `A content type must be a MIME type such as image/png, not ${describe(contentType)}.`,
    );
  }
  return trimmed;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
