import { createHash } from 'node:crypto';

/**
 * Identifiers shaped like the ones Microsoft Graph hands out, derived from text so that the same
 * inputs always give the same ids (seeded tenants are reproducible, tests can predict ids).
 */

function digest(parts: readonly (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\u001f')).digest();
}

/** A version-4-shaped GUID derived from `parts`. */
export function guidFrom(...parts: (string | number)[]): string {
  const b = digest(parts);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `length` lower-case hex digits derived from `parts` (at most 64). */
export function hexFrom(length: number, ...parts: (string | number)[]): string {
  return digest(parts).toString('hex').slice(0, length);
}

/** 1:1 chats: `19:{userA}_{userB}@unq.gbl.spaces` (ids sorted, so a pair has exactly one chat). */
export function oneOnOneChatId(userA: string, userB: string): string {
  const [a, b] = [userA.toLowerCase(), userB.toLowerCase()].sort();
  return `19:${a}_${b}@unq.gbl.spaces`;
}

/** Group chats: `19:{32 hex}@thread.v2`. */
export function groupChatId(hex32: string): string {
  return `19:${hex32}@thread.v2`;
}

/** Meeting chats: `19:meeting_{base64 of a GUID}@thread.v2`, as Teams names them. */
export function meetingChatId(guid: string): string {
  return `19:meeting_${Buffer.from(guid).toString('base64').replace(/=+$/, '')}@thread.v2`;
}

/**
 * A conversationMember id. Graph documents them as opaque; the ones it returns are base64 of
 * `0##{tenantId}##{chatId}##{userId}` (chat-get example with $expand=members).
 */
export function membershipId(tenantId: string, chatId: string, userId: string): string {
  return Buffer.from(`0##${tenantId}##${chatId}##${userId}`).toString('base64');
}

/**
 * A chatMessageHostedContent id. Graph's are base64 of a descriptor naming the Teams media object
 * (`id=x_0-wus-d9-{hex},type=1,url=…/views/imgo`); clients must treat them as opaque.
 */
export function hostedContentId(hex32: string): string {
  const object = `0-wus-d9-${hex32}`;
  return Buffer.from(
    `id=x_${object},type=1,url=https://us-api.asm.skype.com/v1/objects/${object}/views/imgo`,
  ).toString('base64');
}

/** Lower-case hex sha256 of bytes: the content address of hosted content blobs. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
