// Builds the personal tab into dist/tab: index.html, app.js and app.css, served at /tab/ by the
// tab's static mount (backend/server/tab-static-mount.ts).
//
//   node tab/build.mjs               minified, no source map (what is deployed)
//   node tab/build.mjs --sourcemap   with a linked source map, for debugging in a browser
//
// The output depends only on the sources: same sources, same bytes (no dates, no absolute paths).
// Type checking is separate: `npx tsc -p tab/tsconfig.json`.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the tab into `outDir` (dist/tab unless told otherwise: tests build into a folder of their
 * own). Resolves with the files written and their sizes.
 */
export async function buildTab(options = {}) {
  const outDir = options.outDir ?? join(projectRoot, 'dist', 'tab');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    absWorkingDir: projectRoot,
    entryPoints: { app: 'tab/src/main.tsx' },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // The browsers the Teams clients run in (Teams desktop is Edge WebView2).
    target: ['chrome120', 'edge120', 'firefox121', 'safari16'],
    jsx: 'automatic',
    minify: true,
    sourcemap: options.sourcemap ? 'linked' : false,
    legalComments: 'eof',
    charset: 'utf8',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: join(projectRoot, 'tab', 'tsconfig.json'),
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  // The page itself is static; the static mount puts a fresh nonce in place of __CSP_NONCE__.
  await copyFile(join(projectRoot, 'tab', 'static', 'index.html'), join(outDir, 'index.html'));
  const files = [];
  for (const name of (await readdir(outDir)).sort()) {
    files.push({ path: join(outDir, name), size: (await stat(join(outDir, name))).size });
  }
  return { outDir, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = process.hrtime.bigint();
  try {
    const { files } = await buildTab({ sourcemap: process.argv.includes('--sourcemap') });
    for (const file of files) {
      const shown = relative(projectRoot, file.path).padEnd(24);
      process.stdout.write(`  ${shown} ${(file.size / 1024).toFixed(1).padStart(8)} KiB\n`);
    }
  } catch {
    // esbuild has printed what went wrong.
    process.exit(1);
  }
  process.stdout.write(`tab built in ${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms\n`);
}
