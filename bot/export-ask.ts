import { z } from 'zod';
import type { ExportFormat, ExportRequest, ExportScope } from '../backend/recovery/export/export-service';

/**
 * What an admin asked to export, typed or sent from the export form, checked before anything is
 * asked of the backend: the request, or a sentence saying what to change. The sentences never
 * quote what was typed (it may be something pasted in the wrong place).
 */
export type ExportAsk = { ok: true; request: ExportRequest } | { ok: false; problem: string };

const EXAMPLES =
  'export chat followed by the chat id, export user followed by a UPN or object id, or export all; ' +
  'then html (the default) or json, and at followed by a moment for the chats as the backup saw them ' +
  'then (e.g. export user ada@contoso.com json at 2026-03-02T08:00Z). Type export alone for a form.';

export const EXPORT_PROBLEMS = {
  usage: `Say what to export: ${EXAMPLES}`,
  noChat: 'Say which chat: export chat followed by its id (it starts with 19:).',
  noUser: 'Say whose chats: export user followed by their UPN or object id.',
  extraWords: `Some words were not ones an export takes, so I made no link. An export is ${EXAMPLES}`,
  twoFormats: 'Say one format only: html or json.',
  twoMoments: 'Say one moment only (at followed by a date and time).',
  noMoment:
    'Say the moment after at: e.g. at 2026-03-02T08:00Z (UTC), or at 2026-03-02 (the start of that day, UTC).',
  badMoment:
    'The moment after at is not a date and time I can read. Write it in ISO 8601: 2026-03-02 (the start of that day, UTC), 2026-03-02T08:00Z (UTC) or 2026-03-02T09:00+01:00.',
  noZone:
    'The moment after at needs its time zone: add Z for UTC (2026-03-02T08:00Z) or the offset (2026-03-02T09:00+01:00).',
  splitMoment: 'Write the date and the time as one, joined by T: e.g. at 2026-03-02T08:00Z.',
  formKind: 'Choose what to export: one chat, one person’s chats, or every chat.',
  formNoChat: 'Enter the id of the chat to export (it starts with 19:).',
  formNoUser: 'Enter the UPN or object id of the person whose chats to export.',
  formFormat: 'Choose HTML or JSON.',
  formTimeWithoutDay: 'Pick the day of that time, or clear the time.',
  formBadMoment: 'The day or the time is not one I can read. Pick them again.',
} as const;

const OPTION_WORDS = new Set(['html', 'json', 'at']);

/**
 * The words after "export" (case-insensitive keywords, ids as typed): `chat <id>`, `user <upn|id>`
 * or `all`, then in any order an optional `html`/`json` and an optional `at <moment>`.
 */
export function exportAskFromWords(words: string): ExportAsk {
  const tokens = words.split(' ').filter((t) => t !== '');
  const kind = tokens.shift()?.toLowerCase();
  let scope: ExportScope;
  switch (kind) {
    case 'chat':
    case 'user': {
      const named = tokens[0];
      if (named === undefined || OPTION_WORDS.has(named.toLowerCase()))
        return refuse(kind === 'chat' ? EXPORT_PROBLEMS.noChat : EXPORT_PROBLEMS.noUser);
      tokens.shift();
      scope = kind === 'chat' ? { kind, chatId: named } : { kind, user: named };
      break;
    }
    case 'all':
      scope = { kind };
      break;
    default:
      return refuse(EXPORT_PROBLEMS.usage);
  }
  let format: ExportFormat | undefined;
  let at: string | undefined;
  while (tokens.length > 0) {
    const word = tokens.shift()!.toLowerCase();
    if (word === 'html' || word === 'json') {
      if (format) return refuse(EXPORT_PROBLEMS.twoFormats);
      format = word;
    } else if (word === 'at') {
      if (at) return refuse(EXPORT_PROBLEMS.twoMoments);
      const moment = readMoment(tokens.shift());
      if (!moment.ok) return moment;
      // "at 2026-03-02 08:00": the day alone would read as its midnight, which is not what was meant.
      if (moment.dayOnly && CLOCK_TIME.test(tokens[0] ?? '')) return refuse(EXPORT_PROBLEMS.splitMoment);
      at = moment.at;
    } else {
      return refuse(EXPORT_PROBLEMS.extraWords);
    }
  }
  return { ok: true, request: requestOf(scope, format ?? 'html', at) };
}

/** The export form's inputs, as Teams sends them (an input left empty is "" or absent). */
export interface ExportFormInputs {
  kind?: string;
  target?: string;
  format?: string;
  /** Input.Date: YYYY-MM-DD. */
  atDate?: string;
  /** Input.Time: HH:MM, read as UTC (the form says so). */
  atTime?: string;
}

export function exportAskFromForm(inputs: ExportFormInputs): ExportAsk {
  const target = (inputs.target ?? '').trim();
  let scope: ExportScope;
  switch (inputs.kind) {
    case 'chat':
      if (target === '') return refuse(EXPORT_PROBLEMS.formNoChat);
      scope = { kind: 'chat', chatId: target };
      break;
    case 'user':
      if (target === '') return refuse(EXPORT_PROBLEMS.formNoUser);
      scope = { kind: 'user', user: target };
      break;
    case 'all':
      scope = { kind: 'all' };
      break;
    default:
      return refuse(EXPORT_PROBLEMS.formKind);
  }
  const format = inputs.format === undefined || inputs.format === '' ? 'html' : inputs.format;
  if (format !== 'html' && format !== 'json') return refuse(EXPORT_PROBLEMS.formFormat);
  const day = (inputs.atDate ?? '').trim();
  const time = (inputs.atTime ?? '').trim();
  if (day === '')
    return time === ''
      ? { ok: true, request: requestOf(scope, format) }
      : refuse(EXPORT_PROBLEMS.formTimeWithoutDay);
  const moment = readMoment(time === '' ? day : `${day}T${time}Z`);
  return moment.ok
    ? { ok: true, request: requestOf(scope, format, moment.at) }
    : refuse(EXPORT_PROBLEMS.formBadMoment);
}

type Moment = { ok: true; at: string; dayOnly: boolean } | { ok: false; problem: string };

// RFC 3339 as zod checks it (real calendar days, 00–23 hours); minutes alone are allowed too.
const WITH_ZONE = z.union([
  z.iso.datetime({ offset: true }),
  z.iso.datetime({ offset: true, precision: -1 }),
]);
const DAY = z.iso.date();
const WITHOUT_ZONE = z.union([
  z.iso.datetime({ local: true }),
  z.iso.datetime({ local: true, precision: -1 }),
]);
const CLOCK_TIME = /^\d{1,2}:\d{2}/;

/**
 * A moment as ISO 8601 with its zone, or a day (its start in UTC, as ECMAScript reads a date
 * alone). A time without a zone is refused rather than guessed: the server's zone is not the
 * admin's.
 */
function readMoment(value: string | undefined): Moment {
  if (value === undefined || value === '') return refuse(EXPORT_PROBLEMS.noMoment);
  // ISO 8601 letters are case-insensitive; zod wants T and Z upper case.
  const upper = value.toUpperCase();
  const dayOnly = DAY.safeParse(upper).success;
  if (dayOnly || WITH_ZONE.safeParse(upper).success)
    return { ok: true, at: new Date(upper).toISOString(), dayOnly };
  return refuse(WITHOUT_ZONE.safeParse(upper).success ? EXPORT_PROBLEMS.noZone : EXPORT_PROBLEMS.badMoment);
}

function requestOf(scope: ExportScope, format: ExportFormat, at?: string): ExportRequest {
  return at ? { scope, format, at } : { scope, format };
}

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}
