import type Database from 'better-sqlite3';

/**
 * Applies a component's migrations in order, each once, each in its own transaction. Versions are
 * kept per component (one database holds several stores), so `PRAGMA user_version` is not used.
 * Migrations are append-only: a shipped one is never edited, a change is a new entry.
 */
export function migrate(db: Database.Database, component: string, migrations: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component  TEXT PRIMARY KEY,
    version    INTEGER NOT NULL
  )`);
  const row = db.prepare('SELECT version FROM schema_migrations WHERE component = ?').get(component) as
    { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length) {
    throw new Error(
      `The database's "${component}" schema is at version ${current}, newer than this ChatVault knows (${migrations.length}): upgrade ChatVault.`,
    );
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
  );
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]!);
      record.run(component, version);
    })();
  }
}
