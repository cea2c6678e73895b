/**
 * Samples, every second while a measured backup runs: the CPU time of each process taking part
 * (from /proc, so a child's CPU is read without its cooperation), the whole machine's busy CPU
 * (others' work on a shared machine included), the load average, and the simulator's request
 * counters. From the samples a benchmark tells the phases of a run apart (discovery, reading,
 * the tail of image reads) and what each process and Graph class did in each.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface Sample {
  /** Milliseconds since the sampler started. */
  atMs: number;
  /** The 1-minute load average. */
  load1: number;
  /** CPU milliseconds of each named process since the sampler started. */
  cpuMs: Record<string, number>;
  /** Busy CPU milliseconds of the whole machine (every core, every process) since the start. */
  machineBusyMs: number;
  /** The simulator's requests by Graph class, since its counters were reset. */
  requests: Record<string, number>;
}

const TICKS_PER_SECOND = (() => {
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(answer.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** utime + stime of a process in ms, or undefined once it is gone (or off Linux). */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy CPU ms of the machine, every core (the first line of /proc/stat). */
function machineBusyMs(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .map(Number);
    return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export class RunSampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private readonly cpuAtStart: Record<string, number> = {};
  private readonly lastCpu: Record<string, number> = {};
  private readonly busyAtStart = machineBusyMs();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly pids: Record<string, number>,
    private readonly requests: () => Promise<Record<string, number>>,
    private readonly everyMs = 1_000,
  ) {
    for (const [name, pid] of Object.entries(pids)) {
      this.cpuAtStart[name] = processCpuMs(pid) ?? 0;
      this.lastCpu[name] = 0;
    }
  }

  start(): void {
    void this.take();
    this.timer = setInterval(() => {
      this.pending = this.pending.then(() => this.take());
    }, this.everyMs);
  }

  /** One last sample, and all of them. */
  async stop(): Promise<Sample[]> {
    if (this.timer) clearInterval(this.timer);
    await this.pending;
    await this.take();
    return this.samples;
  }

  private async take(): Promise<void> {
    const requests = await this.requests().catch(() => this.samples.at(-1)?.requests ?? {});
    const cpuMs: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const now = processCpuMs(pid);
      // A process that exited keeps its last reading.
      cpuMs[name] = now === undefined ? this.lastCpu[name]! : now - this.cpuAtStart[name]!;
      this.lastCpu[name] = cpuMs[name];
    }
    this.samples.push({
      atMs: Date.now() - this.started,
      load1: loadavg()[0]!,
      cpuMs,
      machineBusyMs: machineBusyMs() - this.busyAtStart,
      requests,
    });
  }
}

/** What happened between two moments of a sampled run. */
export interface Window {
  fromMs: number;
  toMs: number;
  /** Requests per second by Graph class. */
  rps: Record<string, number>;
  /** Share of one core each named process used. */
  cpu: Record<string, number>;
  /** Cores busy with processes other than the named ones (others' work on a shared machine). */
  otherCores: number;
  meanLoad1: number;
}

export function windowOf(samples: Sample[], fromMs: number, toMs: number): Window {
  const at = (ms: number): Sample =>
    samples.reduce((best, s) => (Math.abs(s.atMs - ms) < Math.abs(best.atMs - ms) ? s : best), samples[0]!);
  const a = at(fromMs);
  const b = at(toMs);
  const seconds = Math.max(0.001, (b.atMs - a.atMs) / 1000);
  const rps: Record<string, number> = {};
  for (const name of Object.keys(b.requests))
    rps[name] = ((b.requests[name] ?? 0) - (a.requests[name] ?? 0)) / seconds;
  const cpu: Record<string, number> = {};
  let ours = 0;
  for (const name of Object.keys(b.cpuMs)) {
    cpu[name] = ((b.cpuMs[name] ?? 0) - (a.cpuMs[name] ?? 0)) / 1000 / seconds;
    ours += cpu[name];
  }
  const inside = samples.filter((s) => s.atMs >= a.atMs && s.atMs <= b.atMs);
  return {
    fromMs: a.atMs,
    toMs: b.atMs,
    rps,
    cpu,
    otherCores: Math.max(0, (b.machineBusyMs - a.machineBusyMs) / 1000 / seconds - ours),
    meanLoad1: inside.reduce((sum, s) => sum + s.load1, 0) / Math.max(1, inside.length),
  };
}

/** When requests of a class were first and last made: the first and last samples that saw them grow. */
export function activeSpan(samples: Sample[], cls: string): { fromMs: number; toMs: number } | undefined {
  let from: number | undefined;
  let to: number | undefined;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i]!.requests[cls] ?? 0) > (samples[i - 1]!.requests[cls] ?? 0)) {
      from ??= samples[i - 1]!.atMs;
      to = samples[i]!.atMs;
    }
  }
  return from === undefined || to === undefined ? undefined : { fromMs: from, toMs: to };
}
