import type { ConversationReference, TurnContext } from 'botbuilder';

/** What proactive sends need of the adapter (CloudAdapter has it; the specs use a test adapter). */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/**
 * Runs `send` in a proactive turn and resolves what it threw (undefined when it worked). The
 * adapter's turn error handler would otherwise swallow a send's failure, and the caller needs it:
 * a 404 means the conversation is gone, a 429 when to try again.
 */
export async function sendProactively(
  adapter: ProactiveAdapter,
  botAppId: string,
  reference: Partial<ConversationReference>,
  send: (context: TurnContext) => Promise<unknown>,
): Promise<unknown> {
  let failure: unknown;
  try {
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      try {
        await send(context);
      } catch (error) {
        failure = error ?? new Error('send failed');
      }
    });
  } catch (error) {
    // Failing before the turn runs (creating the connector client, getting a token).
    failure = error ?? new Error('proactive turn failed');
  }
  return failure;
}

export type SendFailure =
  /** 403/404: the bot was removed from the team or chat, or the conversation no longer exists. */
  | { kind: 'gone'; status: number }
  /** 429 once the connector client's own retries ran out; Retry-After when the channel gave one. */
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'other'; status?: number };

/**
 * Reads what the Bot Connector answered from the error botframework-connector throws (a RestError
 * with `statusCode` and the `response` headers).
 */
export function classifySendError(error: unknown): SendFailure {
  const e = (error ?? {}) as {
    statusCode?: unknown;
    response?: { status?: unknown; headers?: unknown };
  };
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  if (status === 403 || status === 404) return { kind: 'gone', status };
  if (status === 429) {
    const retryAfterMs = retryAfter(header(e.response?.headers, 'retry-after'));
    return retryAfterMs === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterMs };
  }
  return status === undefined ? { kind: 'other' } : { kind: 'other', status };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const withGet = headers as { get?: (n: string) => unknown };
  const value =
    typeof withGet.get === 'function' ? withGet.get(name) : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After is seconds or an HTTP date (RFC 9110, 10.2.3). */
function retryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
