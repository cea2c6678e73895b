#!/usr/bin/env node
'use strict';
// The `chatvault` command. Runs the compiled CLI (npm install builds it; npm start rebuilds it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// restify 11 reads Node's legacy http_parser binding; the warning says nothing a user can act on.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0111') return;
  emitWarning(warning, ...rest);
};

const compiled = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write('chatvault is not built yet: run `npm run build` in the project folder first.\n');
  process.exit(2);
}
require(compiled)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
