import { createHash } from 'node:crypto';
import type { Container, ItemDefinition, SqlQuerySpec } from '@azure/cosmos';
import type { Page } from '../backup-records';
import { BackupStoreError } from '../backup-store-error';

/**
 * Small helpers over @azure/cosmos shared by the Cosmos DB adapters: status-code checks, reads
 * that answer undefined, conditional writes that answer whether they won, and paged queries.
 */

export type Doc = ItemDefinition & { id: string; _etag?: string };

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

export function hasStatus(error: unknown, ...codes: number[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && codes.includes(code);
}

/** The document without Cosmos DB's system properties and without the store's own bookkeeping fields. */
export function withoutFields<T>(doc: Doc, ...fields: string[]): T {
  const copy: Record<string, unknown> = { ...doc };
  for (const field of [...SYSTEM_FIELDS, ...fields]) delete copy[field];
  return copy as T;
}

export async function readDoc<T extends Doc>(
  container: Container,
  id: string,
  partitionKey: string,
): Promise<T | undefined> {
  const { resource, statusCode } = await container.item(id, partitionKey).read<T>();
  return statusCode === 404 ? undefined : resource;
}

/** Creates the document unless its id exists; resolves the new ETag, or undefined when it existed. */
export async function createDoc(container: Container, doc: Doc): Promise<string | undefined> {
  try {
    const { etag } = await container.items.create(doc);
    return etag;
  } catch (error) {
    if (hasStatus(error, 409)) return undefined;
    throw error;
  }
}

/** Replaces the document only if it still has `etag`; resolves the new ETag, or undefined when it changed or vanished. */
export async function replaceDoc(
  container: Container,
  doc: Doc,
  partitionKey: string,
  etag: string,
): Promise<string | undefined> {
  try {
    const response = await container
      .item(doc.id, partitionKey)
      .replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
    return response.etag;
  } catch (error) {
    if (hasStatus(error, 404, 412)) return undefined;
    throw error;
  }
}

/** Resolves false when there was nothing to delete. */
export async function deleteDoc(container: Container, id: string, partitionKey: string): Promise<boolean> {
  try {
    await container.item(id, partitionKey).delete();
    return true;
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    throw error;
  }
}

/**
 * One page of a query, resumable by its continuation token. Every query names its partition key
 * in WHERE as well as in the options: the test server ignores the option, and a tenant must never
 * see another's documents, whichever server answers.
 */
export async function queryPage<T>(
  container: Container,
  query: SqlQuerySpec,
  options: { partitionKey?: string; limit: number; cursor?: string },
): Promise<Page<T>> {
  const response = await container.items
    .query<T>(query, {
      maxItemCount: options.limit,
      continuationToken: options.cursor,
      ...(options.partitionKey === undefined ? {} : { partitionKey: options.partitionKey }),
    })
    .fetchNext();
  return response.continuationToken
    ? { items: response.resources, next: response.continuationToken }
    : { items: response.resources };
}

export async function queryAll<T>(
  container: Container,
  query: SqlQuerySpec,
  partitionKey?: string,
): Promise<T[]> {
  const { resources } = await container.items
    .query<T>(query, partitionKey === undefined ? {} : { partitionKey })
    .fetchAll();
  return resources;
}

export async function queryCount(
  container: Container,
  query: SqlQuerySpec,
  partitionKey?: string,
): Promise<number> {
  const [count] = await queryAll<number>(container, query, partitionKey);
  return count ?? 0;
}

/**
 * A Cosmos DB id from parts joined by `|`. Ids may not hold `/`, `\`, `?` or `#` and are at most
 * 255 characters (Cosmos DB service limits): those characters (and `%`, `|` within a part) are
 * percent-encoded, and an id that would still be too long is named by its hash instead.
 */
export function docId(...parts: string[]): string {
  const id = parts
    .map((part) => part.replace(/[%|/\\?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('|');
  if (id.length <= 250) return id;
  return `${parts[0]}|sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

/**
 * Runs `fn` over `items`, at most `limit` at a time, and waits for every running call to settle
 * before failing with the first error: no write is left running behind a failed call.
 */
export async function forEachLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    // After a failure no new call starts; those already running finish.
    while (next < items.length && errors.length === 0) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        errors.push(error);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}

/**
 * Read, change, write back through the ETag (or create when missing), again from a fresh read
 * when another writer got there first. `apply` answers undefined to leave the document as it is.
 */
export async function updateDoc<D extends Doc>(
  container: Container,
  id: string,
  partitionKey: string,
  apply: (current: D | undefined) => D | undefined,
  attempts = 16,
): Promise<{ doc: D | undefined; written: boolean }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    // Writers that just collided wait a random, growing moment so that they stop colliding.
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    const current = await readDoc<D>(container, id, partitionKey);
    const next = apply(current);
    if (next === undefined) return { doc: current, written: false };
    const etag = current
      ? await replaceDoc(container, next, partitionKey, current._etag!)
      : await createDoc(container, next);
    if (etag !== undefined) return { doc: { ...next, _etag: etag }, written: true };
  }
  throw new BackupStoreError(
    'contention',
    `Document ${id} kept changing under concurrent writers; try again.`,
  );
}
