import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SimulatorProcessPlan, SimulatorProcessReady } from './simulator-process';

/** A simulator process and the calls a benchmark makes to it. */
export interface SimulatorProcess extends SimulatorProcessReady {
  /** The simulator process's id (its CPU time can be read from outside while it serves). */
  pid: number;
  cpuMs(): Promise<number>;
  counters(): Promise<{
    graph: { requests: Record<string, number>; throttled: Record<string, number>; total: number };
  }>;
  reset(): Promise<void>;
  /** Edits that share of the messages; resolves how many were edited. */
  change(share: number): Promise<number>;
  /** Starts a CPU profile of the simulator process. */
  profileStart(): Promise<void>;
  /** Stops it and writes it to `file` (.cpuprofile). */
  profileStop(file: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatorProcess(plan: SimulatorProcessPlan): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(join(__dirname, 'simulator-process.ts'), [], {
    execArgv: ['--require', 'tsx/cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const ready = await new Promise<SimulatorProcessReady>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator process exited with ${code}`)));
    child.on(
      'message',
      (message: { ready?: SimulatorProcessReady; id?: number; answer?: unknown; error?: string }) => {
        if (message.ready) return resolve(message.ready);
        const waiting = pending.get(message.id!);
        pending.delete(message.id!);
        if (message.error) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.answer);
      },
    );
    child.send(plan);
  });
  const call = <T>(kind: string, extra: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, kind, ...extra });
    });
  return {
    ...ready,
    pid: child.pid!,
    cpuMs: async () => {
      const usage = await call<NodeJS.CpuUsage>('cpu');
      return (usage.user + usage.system) / 1000;
    },
    counters: () => call('counters'),
    reset: () => call('reset'),
    change: (share) => call('change', { share }),
    profileStart: async () => {
      await call('profile-start');
    },
    profileStop: async (file) => {
      await call('profile-stop', { file });
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('close').catch(() => undefined);
      await exited;
    },
  };
}
