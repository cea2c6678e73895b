import { MIN_INCREMENTAL_MINUTES, type BackupSchedule } from '../../backend/backup/schedule/backup-schedule';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { factTime } from './card-format';
import type { SignButton } from './sign-button';

export interface ScheduleCardState {
  schedule: BackupSchedule;
  nextRunAt?: string;
  /** The outcome of Save, when the card answers a press of it. */
  result?: { ok: boolean; message: string };
}

/** The tenant's schedule with the fields to change it. */
export async function scheduleCard(state: ScheduleCardState, sign: SignButton): Promise<AdaptiveCardJson> {
  const s = state.schedule;
  const summary = s.enabled
    ? `ChatVault backs up what changed every ${s.incrementalEveryMinutes} minutes, and reads everything again every ${s.fullEveryDays} days.${
        state.nextRunAt ? ` Next run: ${factTime(state.nextRunAt)}.` : ''
      }`
    : 'Scheduled backups are off: backups run only when an admin starts one.';
  return renderCard('schedule', {
    result: state.result ? { shown: true, ...state.result } : { shown: false, ok: false, message: '' },
    summary,
    enabled: s.enabled ? 'true' : 'false',
    minMinutes: MIN_INCREMENTAL_MINUTES,
    incrementalEveryMinutes: s.incrementalEveryMinutes,
    fullEveryDays: s.fullEveryDays,
    tokens: { save: await sign('schedule.save'), status: await sign('status') },
  });
}
