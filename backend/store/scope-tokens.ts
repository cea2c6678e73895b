import { createHash } from 'node:crypto';

/**
 * Tokens naming a version's tenant, chat and sender inside a full-text index, so that a search is
 * restricted to its tenant (and, when asked, one chat or sender) by the index itself. Ids hold
 * characters a tokenizer splits on (`19:abc@thread.v2`), so each id is named by a prefix letter and
 * the start of its SHA-256: letters and digits only, one token whatever the tokenizer. 96 bits keep
 * two ids from sharing a token in practice; the store also checks the ids themselves.
 */
export function scopeToken(kind: 'tenant' | 'chat' | 'user', id: string): string {
  const prefix = kind === 'tenant' ? 't' : kind === 'chat' ? 'c' : 'u';
  const key = prefix + id;
  let token = recent.get(key);
  if (token === undefined) {
    token = prefix + createHash('sha256').update(id).digest('hex').slice(0, 24);
    // Indexing meets the same tenants, chats and senders over and over.
    if (recent.size >= REMEMBERED) recent.delete(recent.keys().next().value!);
    recent.set(key, token);
  }
  return token;
}

const REMEMBERED = 10_000;
const recent = new Map<string, string>();

/** Months since year 0 of an instant (UTC): the unit a search walks when a word is very common. */
export function monthIndex(ms: number): number {
  const date = new Date(Number.isFinite(ms) ? ms : 0);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** `m<yyyymm>`: the token naming a version's creation month in its scope. */
export function monthToken(month: number): string {
  return `m${Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}`;
}
