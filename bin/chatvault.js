#!/usr/bin/env node
'use strict';
// The `chatvault` command. Runs the compiled CLI (npm install builds it; npm start rebuilds it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

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
