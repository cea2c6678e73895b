#!/usr/bin/env node
'use strict';
// Runs mocha with the simulator's certificate trusted. Node reads NODE_EXTRA_CA_CERTS only when a
// process starts, so the certificate must exist before mocha does: make it here, then start mocha.
require('tsx/cjs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { ensureSimulatorCertificate } = require('../simulator/tls.ts');

const tlsDir = join(__dirname, '..', '.test-cache', 'tls');
const cert = ensureSimulatorCertificate(tlsDir);
const mocha = require.resolve('mocha/bin/mocha.js');
// With no spec named on the command line, run them all; naming files runs just those.
const args = process.argv.slice(2);
const namesSpecs = args.some((a) => !a.startsWith('-'));
const specs = namesSpecs ? [] : ['{backend,bot,cli,simulator,test}/**/*.spec.ts'];
const result = spawnSync(process.execPath, [mocha, ...specs, ...args], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certFile, CHATVAULT_TEST_TLS_DIR: tlsDir },
});
process.exit(result.status === null ? 1 : result.status);
