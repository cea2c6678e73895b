/**
 * Graph's evolvable enums: members added after `unknownFutureValue` (chatMessageType's
 * `systemEventMessage` among them) are only sent to clients that ask for them with
 * `Prefer: include-unknown-enum-members`; every other client reads `unknownFutureValue`.
 * [chat-list-messages, examples 1 and 2: the same page differs in exactly that one field]
 *
 * Stored messages carry the real type. Other evolvable members (e.g. userIdentityType `emailUser`)
 * would change the same way on Graph; the documented examples show only `messageType`, so only
 * `messageType` is rewritten here.
 */

const PREFERENCE = 'include-unknown-enum-members';

/** Whether a request's `Prefer` header (any case, possibly several preferences) asks for the real values. */
export function wantsUnknownEnumMembers(headers: Record<string, string | undefined>): boolean {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name.toLowerCase() === 'prefer') {
      if (value.split(',').some((preference) => preference.trim().toLowerCase() === PREFERENCE)) return true;
    }
  }
  return false;
}

/** A chatMessageType as the client may see it. */
export function visibleMessageType(messageType: string, includeUnknown: boolean): string {
  return messageType === 'systemEventMessage' && !includeUnknown ? 'unknownFutureValue' : messageType;
}

/**
 * The stored message JSON as the client may see it. Only system messages change, and they are a
 * small share of any chat, so those few are parsed and rewritten while the rest pass through as text.
 */
export function visibleMessageJson(json: string, messageType: string, includeUnknown: boolean): string {
  if (includeUnknown || messageType !== 'systemEventMessage') return json;
  const message = JSON.parse(json) as Record<string, unknown>;
  if (message.messageType === 'systemEventMessage') message.messageType = 'unknownFutureValue';
  return JSON.stringify(message);
}
