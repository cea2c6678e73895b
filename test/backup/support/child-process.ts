import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BackupResult } from '../../../backend/backup/backup-service';
import type { ChildPlan, ChildReport } from './backup-child';

const CHILD = join(__dirname, 'backup-child.ts');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  result?: BackupResult;
  report?: ChildReport;
  stderr: string;
}

/** Runs a backup in a child process (`node --require tsx/cjs`) and waits for it to end, however it ends. */
export function runChild(
  plan: ChildPlan,
  env: NodeJS.ProcessEnv = process.env,
): { pid: number; exit: Promise<ChildExit>; kill(): void } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, JSON.stringify(plan)], {
    cwd: join(__dirname, '..', '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<ChildExit>((resolve) => {
    child.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{"result"'));
      const printed = line ? (JSON.parse(line) as { result: BackupResult; report?: ChildReport }) : undefined;
      resolve({
        code,
        signal,
        stderr,
        ...(printed ? { result: printed.result, report: printed.report } : {}),
      });
    });
  });
  return { pid: child.pid!, exit, kill: () => child.kill('SIGKILL') };
}
