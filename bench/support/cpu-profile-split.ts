/**
 * Where a process spent its time, from a V8 CPU profile (.cpuprofile): every sample goes to one
 * part, found by walking its stack from the innermost frame outwards until a frame's script
 * matches a rule (the first rule that matches wins, so list specific parts before general ones;
 * last-resort rules only when nothing else matched the whole stack).
 * Idle time, garbage collection and native work outside JavaScript (TLS, sockets: V8's
 * "(program)") are parts of their own.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A part of the process and the scripts (URL substrings) that belong to it. */
export interface ProfileRule {
  part: string;
  urls: string[];
  /**
   * Only samples whose innermost frame is a native function of one of these names (a C++ binding,
   * which the profile shows without a script) called from a frame of `urls`: SQLite statements.
   */
  nativeLeaf?: string[];
  /** Only when no other rule matches any frame of the stack (Node's own timers and promises). */
  lastResort?: boolean;
}

export interface ProfileSplit {
  /** Milliseconds of samples in each part, largest first; `idle` included. */
  parts: [string, number][];
  /** Milliseconds the profile covers. */
  totalMs: number;
  /** Milliseconds not idle. */
  busyMs: number;
}

export const IDLE = 'idle';
export const GC = 'garbage collection';
export const NATIVE = 'native, outside JavaScript (TLS, sockets)';

const SPECIAL = new Map([
  ['(idle)', IDLE],
  ['(garbage collector)', GC],
  ['(program)', NATIVE],
]);

export function splitCpuProfile(file: string, rules: ProfileRule[], fallback = 'other'): ProfileSplit {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known) return known;
    const leaf = byId.get(id)!;
    const matching = (lastResort: boolean): string | undefined => {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const url = byId.get(at)!.callFrame.url;
        const rule = url
          ? rules.find(
              (r) =>
                (r.lastResort ?? false) === lastResort && r.urls.some((pattern) => url.includes(pattern)),
            )
          : undefined;
        if (rule) return rule.part;
      }
      return undefined;
    };
    const part = SPECIAL.get(leaf.callFrame.functionName) ?? matching(false) ?? matching(true);
    partOf.set(id, part ?? fallback);
    return part ?? fallback;
  };
  const totals = new Map<string, number>();
  let totalMs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const ms = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    const id = samples[i]!;
    const part = classify(id);
    totals.set(part, (totals.get(part) ?? 0) + ms);
    totalMs += ms;
  }
  return {
    parts: [...totals.entries()].sort((a, b) => b[1] - a[1]),
    totalMs,
    busyMs: totalMs - (totals.get(IDLE) ?? 0),
  };
}

/** better-sqlite3's statement methods, native functions called straight from the caller's code. */
const SQLITE_CALLS = ['run', 'all', 'get', 'iterate', 'exec', 'pluck', 'raw', 'prepare'];

/** The backup process: the engine, what it calls, and what runs under it. */
export const BACKUP_PROCESS_RULES: ProfileRule[] = [
  {
    part: 'module loading (start-up)',
    urls: ['node_modules/tsx/', 'node_modules/esbuild/', 'node:internal/modules/'],
  },
  {
    part: 'HTTPS client (undici, TLS)',
    urls: ['undici', 'node:_tls', 'node:tls', 'node:internal/tls', 'node:net', 'node:internal/stream_base'],
  },
  { part: 'SQLite statements (better-sqlite3)', urls: ['/backend/store/sqlite/'], nativeLeaf: SQLITE_CALLS },
  { part: 'store adapter (rows, JSON, heads)', urls: ['better-sqlite3', '/backend/store/'] },
  { part: 'blob store', urls: ['/backend/blobs/'] },
  {
    part: 'pacer (Bottleneck)',
    urls: ['node_modules/bottleneck/', '/backend/graph/graph-pacer', '/backend/graph/adaptive-rate'],
  },
  { part: 'Graph SDK and credential', urls: ['@microsoft/microsoft-graph-client', '@azure/'] },
  { part: 'Graph source (pages, JSON)', urls: ['/backend/graph/'] },
  { part: 'engine (backend/backup)', urls: ['/backend/backup/'] },
  { part: 'logging', urls: ['node_modules/pino'] },
  { part: 'Node internals (timers, streams, promises)', urls: ['node:'], lastResort: true },
];

/** The tenant simulator: its routes, its SQLite reads, its throttle, its HTTPS server. */
export const SIMULATOR_PROCESS_RULES: ProfileRule[] = [
  {
    part: 'HTTPS server (TLS, HTTP parsing)',
    urls: [
      'node:_tls',
      'node:tls',
      'node:internal/tls',
      'node:_http',
      'node:http',
      'node:net',
      'node:internal/stream_base',
    ],
  },
  { part: 'SQLite reads (better-sqlite3)', urls: ['/simulator/'], nativeLeaf: SQLITE_CALLS },
  { part: 'tenant state (rows)', urls: ['better-sqlite3', '/simulator/state/'] },
  { part: 'throttle (rate-limiter-flexible)', urls: ['rate-limiter-flexible', '/simulator/throttle/'] },
  { part: 'Entra (token checks, jose)', urls: ['node_modules/jose/', '/simulator/entra/'] },
  { part: 'Graph routes (pages, OData, JSON)', urls: ['/simulator/graph/'] },
  { part: 'server shell', urls: ['/simulator/'] },
  { part: 'Node internals (timers, streams, promises)', urls: ['node:'], lastResort: true },
];
