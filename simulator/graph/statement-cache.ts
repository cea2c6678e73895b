import type { Statement } from 'better-sqlite3';
import type { SimulatorDb } from '../state/schema';

/**
 * Prepared statements, prepared once per SQL text and reused. Statements whose rows are read as
 * arrays (`raw`) are kept apart from the ones read as objects: `raw` is a mode of the statement.
 * SQL text is only ever assembled from fixed fragments; every value is a bound parameter.
 */
export class StatementCache {
  private readonly objects = new Map<string, Statement>();
  private readonly arrays = new Map<string, Statement>();

  constructor(private readonly db: SimulatorDb) {}

  /** Rows as objects keyed by column name. */
  rows(sql: string): Statement {
    let statement = this.objects.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.objects.set(sql, statement);
    }
    return statement;
  }

  /** Rows as arrays of column values, in SELECT order: the fast path for pages. */
  arraysOf(sql: string): Statement {
    let statement = this.arrays.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.arrays.set(sql, statement);
    }
    return statement;
  }
}
