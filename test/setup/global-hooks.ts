// Loaded by mocha before every spec (see .mocharc.json). Tests run with the tenant simulator's
// certificate trusted (test/run-tests.js sets NODE_EXTRA_CA_CERTS before mocha starts).
export const mochaHooks = {};
