import { createContext, useContext } from 'react';
import type { Actor } from '../api/types';

/** The locale Teams reports (or the browser's): dates and numbers are shown the way the person reads them. */
export const LocaleContext = createContext<string | undefined>(undefined);

export interface Formatter {
  dateTime(iso: string | undefined | null): string;
  date(iso: string | undefined | null): string;
  number(value: number): string;
  bytes(value: number): string;
  duration(fromIso: string, toIso: string): string;
}

export function useFormat(): Formatter {
  return formatter(useContext(LocaleContext));
}

function formatter(locale: string | undefined): Formatter {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  const valid = (iso: string | undefined | null) => (iso ? !Number.isNaN(Date.parse(iso)) : false);
  return {
    dateTime: (iso) => (valid(iso) ? dateTime.format(new Date(iso!)) : '—'),
    date: (iso) => (valid(iso) ? date.format(new Date(iso!)) : '—'),
    number: (value) => number.format(value),
    bytes: (value) => {
      const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
      let size = value;
      let unit = 0;
      while (size >= 1024 && unit < units.length - 1) {
        size /= 1024;
        unit += 1;
      }
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(size)} ${units[unit]}`;
    },
    duration: (fromIso, toIso) => {
      const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
      if (!Number.isFinite(seconds)) return '—';
      const h = Math.floor(seconds / 3600);
      const m = Math.floor((seconds % 3600) / 60);
      const s = seconds % 60;
      if (h > 0) return `${h} h ${m} min`;
      if (m > 0) return `${m} min ${s} s`;
      return `${s} s`;
    },
  };
}

export function describeActor(actor: Actor | undefined): string {
  if (!actor) return 'someone';
  switch (actor.kind) {
    case 'user':
      return actor.name ?? `user ${actor.id}`;
    case 'operator':
      return `the server operator (${actor.name})`;
    case 'system':
      return `ChatVault (${actor.name})`;
  }
}

export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
