#!/usr/bin/env node
'use strict';
// `npm run bench [-- <name>…] [-- --option=value…]`: runs every benchmark in bench/ (or those named,
// e.g. `backup`), one after another, each in its own process. Benchmarks print figures; none passes
// or fails on time, so this exits non-zero only when one could not run at all.
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const options = args.filter((a) => a.startsWith('--'));
const all = readdirSync(__dirname)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();
const chosen = names.length > 0 ? names : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    process.stderr.write(`no benchmark bench/${name}.ts (there are: ${all.join(', ')})\n`);
    failed++;
    continue;
  }
  process.stdout.write(`\n=== bench/${name}.ts\n`);
  const result = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, `${name}.ts`), ...options],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
