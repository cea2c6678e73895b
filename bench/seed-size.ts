/**
 * Seeds one large simulator tenant into a SQLite file and prints how fast and how big:
 * seconds in all, seconds per 100k messages, peak RSS and the file size.
 *
 *   npx tsx bench/seed-size.ts [messages=1000000] [users=500] [chats=5000]
 *
 * Prints figures only; it never passes or fails on time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedTenant } from '../simulator/seed/seed-tenant';
import { TenantState } from '../simulator/state/tenant-state';

function arg(index: number, fallback: number): number {
  const value = process.argv[2 + index];
  return value === undefined ? fallback : Number(value);
}

const messages = arg(0, 1_000_000);
const users = arg(1, 500);
const chats = arg(2, 5000);
const dir = mkdtempSync(join(tmpdir(), 'chatvault-seed-bench-'));
const file = join(dir, 'tenant.db');
const state = new TenantState({ file });
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
let peakHeap = 0;

try {
  const cpuAtStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  let lastMark = started;
  let nextMark = 100_000;
  seedTenant(state, {
    seed: 'bench',
    domain: 'bench.onmicrosoft.com',
    displayName: 'Bench',
    users,
    chats,
    messages,
    endMs: Date.parse('2025-06-01T00:00:00.000Z'),
    onProgress(written) {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      if (written < nextMark && written < messages) return;
      const now = process.hrtime.bigint();
      const seconds = Number(now - lastMark) / 1e9;
      console.log(
        `${written.toLocaleString('en-US').padStart(10)} messages  ${seconds.toFixed(2)} s for the last slice`,
      );
      lastMark = now;
      nextMark = written + 100_000;
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  const stats = state.stats('bench.onmicrosoft.com');
  console.log('');
  console.log(
    `messages        ${stats.messages.toLocaleString('en-US')} in ${stats.chats.total} chats, ${stats.users} users`,
  );
  console.log(`seconds         ${seconds.toFixed(1)}`);
  console.log(`s per 100k      ${((seconds / messages) * 100_000).toFixed(2)}`);
  console.log(`CPU seconds     ${(cpu.user / 1e6).toFixed(1)} user, ${(cpu.system / 1e6).toFixed(1)} system`);
  console.log(`messages per s  ${Math.round(messages / seconds).toLocaleString('en-US')}`);
  console.log(`peak RSS        ${mb(process.resourceUsage().maxRSS * 1024)}`);
  console.log(`peak JS heap    ${mb(peakHeap)} (sampled per batch)`);
  state.db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`database file   ${mb(statSync(file).size)}`);
} finally {
  state.close();
  rmSync(dir, { recursive: true, force: true });
}
