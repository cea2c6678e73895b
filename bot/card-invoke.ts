import { z } from 'zod';
import type { CardVerb, SignedAction } from './card-action-token';
import { exportAskFromForm } from './export-ask';
import type { Intent } from './intents';

/**
 * Far above any card of ours with its inputs filled (the form's fields are capped at 256
 * characters); anything bigger is not a press of one of our cards.
 */
export const MAX_INVOKE_CHARS = 16_384;

/** Generous caps on the form fields: the connection's input checks name the real limits precisely. */
const MAX_FIELD_CHARS = 1024;

const invokeValue = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(64),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type CardInvoke = { ok: true; verb: string; data: Record<string, unknown> } | { ok: false };

/** Reads an `adaptiveCard/action` invoke's value: an Action.Execute with a verb and a data object. */
export function readCardInvoke(value: unknown): CardInvoke {
  let size: number;
  try {
    size = JSON.stringify(value ?? null).length;
  } catch {
    return { ok: false };
  }
  if (size > MAX_INVOKE_CHARS) return { ok: false };
  const parsed = invokeValue.safeParse(value);
  if (!parsed.success) return { ok: false };
  return { ok: true, verb: parsed.data.action.verb, data: parsed.data.action.data ?? {} };
}

/** Teams sends an input left empty as "" or leaves it out. */
const field = z.string().max(MAX_FIELD_CHARS).optional();

const connectInputs = z.object({ appId: field, secret: field, expiresAt: z.string().max(64).optional() });

/** Input.Number arrives as a number or as the digits typed. */
const wholeNumber = z.union([
  z.number().int().min(0).max(1_000_000),
  z
    .string()
    .trim()
    .regex(/^\d{1,7}$/)
    .transform(Number),
]);

const scheduleInputs = z.object({
  enabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  incrementalEveryMinutes: wholeNumber,
  fullEveryDays: wholeNumber,
});

const adminInputs = z.object({ user: z.string().max(MAX_FIELD_CHARS) });

/** The export form's inputs; what they mean is checked by `exportAskFromForm`, with sentences. */
const exportInputs = z.object({
  kind: z.string().max(64).optional(),
  target: field,
  format: z.string().max(64).optional(),
  atDate: z.string().max(64).optional(),
  atTime: z.string().max(64).optional(),
});

export type IntentFromCard = { ok: true; intent: Intent } | { ok: false; verb: CardVerb };

/**
 * The intent of a verified button: its verb and arguments from the signed token, the inputs from
 * the card's data (what the person typed, checked for type and size here and for meaning by the
 * service). Nothing else in the data is read.
 */
export function intentFromCard(action: SignedAction, data: Record<string, unknown>): IntentFromCard {
  const fail: IntentFromCard = { ok: false, verb: action.verb };
  switch (action.verb) {
    case 'connect':
    case 'status':
    case 'backup.start':
    case 'history':
    case 'schedule':
    case 'subscribe':
    case 'admins':
      return { ok: true, intent: { name: action.verb } };
    case 'backup.cancel': {
      const runId = action.args.runId;
      return runId ? { ok: true, intent: { name: 'backup.cancel', runId } } : fail;
    }
    case 'admins.remove': {
      const userId = action.args.userId;
      return userId ? { ok: true, intent: { name: 'admins.remove', user: userId } } : fail;
    }
    case 'connect.save': {
      const inputs = connectInputs.safeParse(data);
      if (!inputs.success) return fail;
      const { appId = '', secret = '', expiresAt } = inputs.data;
      return {
        ok: true,
        intent: {
          name: 'connect.save',
          input: expiresAt ? { appId, secret, secretExpiresAt: expiresAt } : { appId, secret },
        },
      };
    }
    case 'schedule.save': {
      const inputs = scheduleInputs.safeParse(data);
      return inputs.success ? { ok: true, intent: { name: 'schedule.save', change: inputs.data } } : fail;
    }
    case 'admins.add': {
      const inputs = adminInputs.safeParse(data);
      return inputs.success ? { ok: true, intent: { name: 'admins.add', user: inputs.data.user } } : fail;
    }
    case 'export.create': {
      const inputs = exportInputs.safeParse(data);
      return inputs.success
        ? { ok: true, intent: { name: 'export.create', ask: exportAskFromForm(inputs.data) } }
        : fail;
    }
    default: {
      const unreachable: never = action.verb;
      throw new Error(`no intent for ${String(unreachable)}`);
    }
  }
}
