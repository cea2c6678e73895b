import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { silentLogger } from '../observability/logger';
import type { RunningHttpServer } from './http-server';
import { CSP_NONCE_PLACEHOLDER, createTabStaticMount, defaultTabRoot } from './tab-static-mount';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<RawResponse>((resolvePromise, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tab static mount', () => {
  let dir: string;
  let http: RunningHttpServer;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-tab-'));
    const root = join(dir, 'tab');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(
      join(root, 'index.html'),
      `<!doctype html><meta property="csp-nonce" nonce="${CSP_NONCE_PLACEHOLDER}"><script src="app.js"></script>`,
    );
    writeFileSync(join(root, 'app.js'), script);
    writeFileSync(join(root, 'app.css'), 'body{margin:0}');
    writeFileSync(join(root, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'server.ts'), 'export {}');
    writeFileSync(join(dir, 'outside.txt'), 'outside the tab');
    symlinkSync(join(dir, 'outside.txt'), join(root, 'linked.txt'));
    const { createHttpServer, listen } = require('./http-server') as typeof import('./http-server');
    const server = createHttpServer({ logger: silentLogger(), mounts: [createTabStaticMount({ root })] });
    http = await listen(server, '127.0.0.1', 0);
  });

  after(async () => {
    await http?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /tab/ with a fresh nonce that its CSP names, never cached', async () => {
    const first = await rawGet(http.url, '/tab/');
    const second = await rawGet(http.url, '/tab/index.html');
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(first.headers['cache-control'], 'no-store');
    const nonceOf = (r: RawResponse) => /nonce="([^"]+)"/.exec(r.body.toString())?.[1];
    const nonce = nonceOf(first);
    assert.ok(nonce && nonce !== CSP_NONCE_PLACEHOLDER);
    assert.notEqual(nonceOf(second), nonce);
    const csp = String(first.headers['content-security-policy']);
    assert.match(csp, new RegExp(`style-src 'self' 'nonce-${nonce!.replace(/[+/]/g, '\\$&')}'`));
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /default-src 'none'/);
    assert.match(
      csp,
      /frame-ancestors 'self' https:\/\/teams\.microsoft\.com https:\/\/\*\.teams\.microsoft\.com/,
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(first.headers['x-content-type-options'], 'nosniff');
    assert.equal(first.headers['x-frame-options'], undefined, 'Teams must be able to frame the tab');
  });

  it('redirects /tab to /tab/', async () => {
    const res = await rawGet(http.url, '/tab');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/tab/');
  });

  it('serves scripts and styles with their content types, an ETag and a 304 when unchanged', async () => {
    const js = await rawGet(http.url, '/tab/app.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body.toString(), script);
    assert.equal(js.headers['cache-control'], 'no-cache');
    const etag = String(js.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    const again = await rawGet(http.url, '/tab/app.js', { 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const css = await rawGet(http.url, '/tab/app.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const svg = await rawGet(http.url, '/tab/assets/icon.svg');
    assert.equal(svg.status, 200);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
  });

  it('compresses what the browser accepts, brotli first', async () => {
    const br = await rawGet(http.url, '/tab/app.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    const gz = await rawGet(http.url, '/tab/app.js', { 'Accept-Encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), script);
    assert.equal(gz.headers.vary, 'Accept-Encoding');
  });

  it('answers HEAD without a body', async () => {
    const res = await rawGet(http.url, '/tab/app.js', {}, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(script)));
    assert.equal(res.body.length, 0);
  });

  for (const path of [
    '/tab/../outside.txt',
    '/tab/%2e%2e/outside.txt',
    '/tab/assets/..%2f..%2foutside.txt',
    '/tab/..%5coutside.txt',
    '/tab/%2e%2e%2f%2e%2e%2foutside.txt',
    '/tab/.env',
    '/tab/app.js%00.css',
    '/tab/%E0%A4%A',
  ]) {
    it(`refuses ${path}`, async () => {
      const res = await rawGet(http.url, path);
      assert.ok([400, 404].includes(res.status), `status ${res.status}`);
      assert.doesNotMatch(res.body.toString(), /outside the tab|SECRET/);
    });
  }

  it('serves no file type it does not know, no folder, no symbolic link and nothing missing', async () => {
    for (const path of ['/tab/server.ts', '/tab/assets', '/tab/assets/', '/tab/linked.txt', '/tab/nope.js']) {
      const res = await rawGet(http.url, path);
      assert.ok([400, 404].includes(res.status), `${path}: status ${res.status}`);
      assert.doesNotMatch(res.body.toString(), /outside the tab/);
    }
  });

  it('finds dist/tab of the project from its sources and from its compiled copy alike', () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'backend', 'server'), { recursive: true });
    mkdirSync(join(project, 'dist', 'backend', 'server'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    mkdirSync(join(project, 'appPackage'));
    assert.equal(defaultTabRoot(join(project, 'backend', 'server')), join(project, 'dist', 'tab'));
    assert.equal(defaultTabRoot(join(project, 'dist', 'backend', 'server')), join(project, 'dist', 'tab'));
    assert.equal(defaultTabRoot(), join(__dirname, '..', '..', 'dist', 'tab'));
  });

  it('says so when the tab was never built', async () => {
    const { createHttpServer, listen } = require('./http-server') as typeof import('./http-server');
    const empty = await listen(
      createHttpServer({
        logger: silentLogger(),
        mounts: [createTabStaticMount({ root: join(dir, 'missing'), basePath: '/tab' })],
      }),
      '127.0.0.1',
      0,
    );
    try {
      const res = await rawGet(empty.url, '/tab/');
      assert.equal(res.status, 404);
      assert.match(res.body.toString(), /npm run build/);
    } finally {
      await empty.close();
    }
  });
});
