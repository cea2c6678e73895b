import { createHash, randomBytes } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Request, Response } from 'restify';
import { projectRoot } from '../config/project-root';
import type { HttpMount } from './http-server';

/**
 * Serves the built personal tab (tab/build.mjs writes it to dist/tab) under `/tab/`.
 *
 * Every HTML response gets a fresh CSP nonce: Fluent UI writes its styles into `<style>` elements
 * at run time (Griffel), and a nonce is what lets those through while `style-src` stays closed to
 * anything injected. Scripts need none: the page loads only its own app.js.
 */
export interface TabStaticMountOptions {
  /** The folder the tab was built into; `defaultTabRoot()` (dist/tab of the project) unless told otherwise. */
  root?: string;
  /** Where the tab is served; `/tab` unless told otherwise (the manifest's contentUrl uses it). */
  basePath?: string;
  /** Hosts that may frame the tab; the Microsoft 365 hosts of a Teams personal app by default. */
  frameAncestors?: readonly string[];
}

/**
 * Who may show the tab in a frame: Teams, and the Microsoft 365 hosts a personal app also runs in
 * (Microsoft's "Prerequisites" for tabs list these, `*.cloud.microsoft` being the domain they are
 * all moving to).
 */
export const TEAMS_FRAME_ANCESTORS: readonly string[] = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

/**
 * teams-js fetches its list of valid host origins from this CDN when it loads (and falls back to a
 * copy built into it when the fetch fails), so `connect-src` lets that one request through.
 */
export const TEAMS_JS_ORIGIN_LIST_HOST = 'https://res.cdn.office.net';

/** The placeholder tab/build.mjs leaves in index.html for the per-response nonce. */
export const CSP_NONCE_PLACEHOLDER = '__CSP_NONCE__';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const COMPRESSIBLE = new Set(['.js', '.css', '.json', '.map', '.txt', '.svg']);
/** Below this size compression saves less than the header it costs. */
const COMPRESS_FROM_BYTES = 1024;

interface CachedFile {
  mtimeMs: number;
  size: number;
  body: Buffer;
  etag: string;
  gzip?: Buffer;
  br?: Buffer;
}

export function tabContentSecurityPolicy(nonce: string, frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${TEAMS_JS_ORIGIN_LIST_HOST}`,
    `frame-ancestors 'self' ${frameAncestors.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** dist/tab of the project, whether this runs from its sources (tests, tsx) or compiled into dist/. */
export function defaultTabRoot(from: string = __dirname): string {
  return join(projectRoot(from), 'dist', 'tab');
}

export function createTabStaticMount(options: TabStaticMountOptions = {}): HttpMount {
  const root = resolve(options.root ?? defaultTabRoot());
  const basePath = (options.basePath ?? '/tab').replace(/\/+$/, '');
  const frameAncestors = options.frameAncestors ?? TEAMS_FRAME_ANCESTORS;
  const cache = new Map<string, CachedFile>();

  const serve = async (req: Request, res: Response): Promise<void> => {
    const relative = relativePath(req, basePath);
    if (relative === undefined) return plain(res, 404, 'Not found.');
    if (relative === null) return plain(res, 400, 'Bad request path.');
    const file = join(root, ...relative);
    const extension = extname(file).toLowerCase();
    const contentType = CONTENT_TYPES[extension];
    if (!contentType || !(file + sep).startsWith(root + sep)) return plain(res, 404, 'Not found.');

    const found = await loadFile(cache, file);
    if (!found) {
      return relative.length === 1 && relative[0] === 'index.html'
        ? plain(res, 404, 'The tab has not been built yet: run "npm run build".')
        : plain(res, 404, 'Not found.');
    }

    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (extension === '.html') {
      const nonce = randomBytes(16).toString('base64');
      const body = Buffer.from(found.body.toString('utf8').split(CSP_NONCE_PLACEHOLDER).join(nonce), 'utf8');
      res.setHeader('Content-Security-Policy', tabContentSecurityPolicy(nonce, frameAncestors));
      // A new nonce per response: a cached copy would carry a nonce its CSP no longer names.
      res.setHeader('Cache-Control', 'no-store');
      return send(req, res, 200, contentType, body);
    }

    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    // The built file names do not change between builds, so the browser revalidates each time and
    // gets a 304 while the file is the same.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', found.etag);
    if (req.header('If-None-Match') === found.etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    const encoded = COMPRESSIBLE.has(extension) ? negotiate(req, found) : undefined;
    res.setHeader('Vary', 'Accept-Encoding');
    if (encoded) res.setHeader('Content-Encoding', encoded.encoding);
    return send(req, res, 200, contentType, encoded?.body ?? found.body);
  };

  return (server) => {
    const handler = async (req: Request, res: Response) => {
      try {
        await serve(req, res);
      } catch {
        if (!res.headersSent) plain(res, 500, 'The tab could not be served.');
      }
    };
    server.get(basePath, async (_req: Request, res: Response) => {
      res.setHeader('Location', `${basePath}/`);
      res.writeHead(301);
      res.end();
    });
    server.get(`${basePath}/*`, handler);
    server.head(`${basePath}/*`, handler);
  };
}

/**
 * The request's path below `basePath` as safe segments: undefined when it is not below it, null
 * when it cannot be a file of the tab (encoded slashes, `..`, hidden files, NUL).
 */
function relativePath(req: Request, basePath: string): string[] | undefined | null {
  const pathname = (req.url ?? '').split('?')[0]!.split('#')[0]!;
  if (!pathname.startsWith(`${basePath}/`)) return undefined;
  const rest = pathname.slice(basePath.length + 1);
  if (rest === '') return ['index.html'];
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

async function loadFile(cache: Map<string, CachedFile>, file: string): Promise<CachedFile | undefined> {
  let info;
  try {
    // lstat: a symbolic link in the build folder is not followed out of it.
    info = await lstat(file);
  } catch {
    return undefined;
  }
  if (!info.isFile()) return undefined;
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
  const body = await readFile(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const entry: CachedFile = { mtimeMs: info.mtimeMs, size: info.size, body, etag };
  cache.set(file, entry);
  return entry;
}

function negotiate(req: Request, file: CachedFile): { encoding: 'br' | 'gzip'; body: Buffer } | undefined {
  if (file.body.length < COMPRESS_FROM_BYTES) return undefined;
  const accepted = acceptedEncodings(req.header('Accept-Encoding') ?? '');
  if (accepted.has('br')) {
    file.br ??= brotliCompressSync(file.body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: file.body.length,
      },
    });
    return { encoding: 'br', body: file.br };
  }
  if (accepted.has('gzip')) {
    file.gzip ??= gzipSync(file.body, { level: 9 });
    return { encoding: 'gzip', body: file.gzip };
  }
  return undefined;
}

function acceptedEncodings(header: string): Set<string> {
  const accepted = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

function send(req: Request, res: Response, status: number, contentType: string, body: Buffer): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(body.length));
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function plain(res: Response, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', String(body.length));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.writeHead(status);
  res.end(body);
}
