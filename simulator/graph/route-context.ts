import { systemClock, type Clock } from '../state/clock';
import type { SimulatorDb } from '../state/schema';
import { StatementCache } from './statement-cache';
import { TenantLookups } from './tenant-lookups';

/** Knobs of the Graph routes. */
export interface GraphRouteOptions {
  /**
   * The tenant's clock (share the one the state writes with): decides which deleted messages are
   * still readable and where the delta window starts. The system clock when absent.
   */
  clock?: Clock;
}

/** What every Graph route handler works with. */
export interface RouteContext {
  readonly sql: StatementCache;
  readonly lookups: TenantLookups;
  now(): number;
}

export function createRouteContext(db: SimulatorDb, options: GraphRouteOptions = {}): RouteContext {
  const sql = new StatementCache(db);
  const clock = options.clock ?? systemClock;
  return { sql, lookups: new TenantLookups(sql), now: () => clock.now() };
}
