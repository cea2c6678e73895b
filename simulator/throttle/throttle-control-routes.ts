import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { FaultKnobs, ThrottleLimits } from '../contracts';
import { readBody, sendJson } from '../shell/http-io';
import type { SimulatorRouter } from '../shell/router';
import type { ThrottleLimitsChange } from './throttle-limits';

/**
 * Throttling and fault knobs over HTTP, for a simulator running in another process (the CLI):
 * `GET|PATCH /_sim/throttle`, `GET|PATCH /_sim/faults`, `GET /_sim/counters`,
 * `POST /_sim/counters/reset`. PATCH bodies carry only the knobs to change.
 */
export interface ThrottleControl {
  limits(): ThrottleLimits;
  setThrottle(change: ThrottleLimitsChange): ThrottleLimits;
  faults(): FaultKnobs;
  setFaults(change: Partial<FaultKnobs>): FaultKnobs;
  counters(): unknown;
  resetCounters(): void;
}

const rate = z.number().int().positive();

const throttleSchema = z
  .object({
    enabled: z.boolean(),
    perClass: z.object({ getAllMessages: rate, getMessage: rate, teamsGet: rate, directory: rate }).partial(),
    perChat: rate,
    perUserChatList: rate,
    retryAfterSeconds: z.number().int().min(0),
  })
  .partial()
  .strict();

const share = z.number().min(0).max(1);

const faultsSchema = z
  .object({ transientErrorRate: share, latencyMs: z.number().min(0), omitRetryAfterRate: share })
  .partial()
  .strict();

export function registerThrottleControlRoutes(router: SimulatorRouter, control: ThrottleControl): void {
  router.on('GET', '/_sim/throttle', (_req, res) => sendJson(res, 200, control.limits()));
  router.on('PATCH', '/_sim/throttle', async (req, res) => {
    const change = await parseBody(req, throttleSchema);
    if (change.ok) sendJson(res, 200, control.setThrottle(change.value));
    else sendJson(res, 400, { error: { code: 'invalidRequest', message: change.message } });
  });
  router.on('GET', '/_sim/faults', (_req, res) => sendJson(res, 200, control.faults()));
  router.on('PATCH', '/_sim/faults', async (req, res) => {
    const change = await parseBody(req, faultsSchema);
    if (change.ok) sendJson(res, 200, control.setFaults(change.value));
    else sendJson(res, 400, { error: { code: 'invalidRequest', message: change.message } });
  });
  router.on('GET', '/_sim/counters', (_req, res) => sendJson(res, 200, control.counters()));
  router.on('POST', '/_sim/counters/reset', (_req, res) => {
    control.resetCounters();
    sendJson(res, 200, control.counters());
  });
}

async function parseBody<T>(
  req: IncomingMessage,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}');
  } catch {
    return { ok: false, message: 'the request body is not JSON' };
  }
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: z.prettifyError(parsed.error) };
}
