import type { BackupSchedule } from '../backend/backup/schedule/backup-schedule';
import type { ScopeMode } from '../backend/backup/scope/backup-scope';
import type { ConnectionInput } from '../backend/connection/input-checks';
import type { ExportAsk } from './export-ask';

/**
 * What a turn asks for, typed or pressed, once parsed and (for a button) verified. Names are the
 * card verbs; typed commands map onto the same names.
 */
export type Intent =
  | { name: 'help' }
  | { name: 'connect' }
  | { name: 'connect.save'; input: ConnectionInput }
  | { name: 'status' }
  | { name: 'backup.start' }
  /** `runId`: the run a card's Cancel was made for; typed "cancel" means whatever runs now. */
  | { name: 'backup.cancel'; runId?: string }
  | { name: 'history' }
  | { name: 'schedule' }
  | {
      name: 'schedule.save';
      change: Pick<BackupSchedule, 'enabled' | 'incrementalEveryMinutes' | 'fullEveryDays'>;
    }
  | { name: 'subscribe' }
  | { name: 'unsubscribe' }
  | { name: 'admins' }
  | { name: 'admins.add'; user: string }
  | { name: 'admins.remove'; user: string }
  | { name: 'scope' }
  /** Brings one person into the scope (the list of `only`, or off the list of `allExcept`). */
  | { name: 'scope.add'; user: string }
  /** Takes one person out of the scope (off the list of `only`, or onto the list of `allExcept`). */
  | { name: 'scope.remove'; user: string }
  /** Replaces the scope: `scope all`, `scope only <upn>…`, `scope except <upn>…`. */
  | { name: 'scope.set'; mode: ScopeMode; users: string[] }
  /** `export` alone: the export form. */
  | { name: 'export' }
  /** A download link for what was asked, typed or from the form (or why none is made). */
  | { name: 'export.create'; ask: ExportAsk };

export type IntentName = Intent['name'];

/**
 * Who may ask for what. `setup`: an admin, or anyone while the tenant has no admin (whoever then
 * saves working credentials becomes the first admin: holding them proves the authority).
 */
export type Access = 'anyone' | 'setup' | 'admin';

export const ACCESS: Record<IntentName, Access> = {
  help: 'anyone',
  connect: 'setup',
  'connect.save': 'setup',
  status: 'admin',
  'backup.start': 'admin',
  'backup.cancel': 'admin',
  history: 'admin',
  schedule: 'admin',
  'schedule.save': 'admin',
  subscribe: 'admin',
  unsubscribe: 'admin',
  admins: 'admin',
  'admins.add': 'admin',
  'admins.remove': 'admin',
  scope: 'admin',
  'scope.add': 'admin',
  'scope.remove': 'admin',
  'scope.set': 'admin',
  export: 'admin',
  'export.create': 'admin',
};
