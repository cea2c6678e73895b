import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chatvault-config-'));
    mkdirSync(join(root, 'env'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function problemsOf(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig({ env, root });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    }
    assert.fail('expected a ConfigError');
  }

  it('defaults to the embedded store, file blobs, a key file and no tenant (the simulator)', () => {
    const config = loadConfig({ env: {}, root });
    assert.equal(config.envName, 'local');
    assert.equal(config.port, 3978);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.store, { kind: 'sqlite', file: join(root, 'data', 'chatvault.sqlite') });
    assert.deepEqual(config.blobs, { kind: 'fs', dir: join(root, 'data', 'blobs') });
    assert.deepEqual(config.sealing, { kind: 'keyFile', file: join(root, 'data', 'sealing.key') });
    assert.equal(config.microsoft, undefined);
    assert.equal(config.bot, undefined);
  });

  it('layers env/.env.<name>, then .user, then the process environment', () => {
    writeFileSync(join(root, 'env', '.env.dev'), 'PORT=4000\nHOST=0.0.0.0\nCOSMOS_DATABASE=fromfile\n');
    writeFileSync(join(root, 'env', '.env.dev.user'), 'PORT=4001\n');
    const config = loadConfig({ env: { CHATVAULT_ENV: 'dev', HOST: '127.0.0.2' }, root });
    assert.equal(config.envName, 'dev');
    assert.equal(config.port, 4001);
    assert.equal(config.host, '127.0.0.2');
  });

  it('takes the Teams Toolkit TEAMSFX_ENV as the environment name', () => {
    writeFileSync(join(root, 'env', '.env.staging'), 'PORT=5001\n');
    assert.equal(loadConfig({ env: { TEAMSFX_ENV: 'staging' }, root }).port, 5001);
  });

  it('keeps both cloud hosts as settings, for national clouds', () => {
    const config = loadConfig({
      env: {
        GRAPH_BASE_URL: 'https://graph.microsoft.us/v1.0/',
        AUTHORITY_HOST: 'https://login.microsoftonline.us',
      },
      root,
    });
    assert.deepEqual(config.microsoft, {
      graphBaseUrl: 'https://graph.microsoft.us/v1.0',
      authorityHost: 'https://login.microsoftonline.us',
    });
  });

  it('names the variable and the problem when a value is wrong', () => {
    assert.deepEqual(problemsOf({ PORT: 'eighty' }), ['PORT: Invalid input: expected number, received NaN']);
    assert.match(
      problemsOf({ AUTHORITY_HOST: 'http://login.example', GRAPH_BASE_URL: 'https://g.example' })[0]!,
      /^AUTHORITY_HOST: must start with https:\/\//,
    );
    assert.match(
      problemsOf({ GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0' })[0]!,
      /^AUTHORITY_HOST: set GRAPH_BASE_URL and AUTHORITY_HOST together/,
    );
    assert.match(problemsOf({ SECRET_SEALING_KEY: 'c2hvcnQ=' })[0]!, /^SECRET_SEALING_KEY: must be 32 bytes/);
    assert.match(problemsOf({ BOT_ID: 'not-a-guid' })[0]!, /^BOT_ID: /);
  });

  it('requires what a chosen adapter needs, naming each missing variable', () => {
    const problems = problemsOf({ STORE: 'cosmos', BLOB_STORE: 'azure' });
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'COSMOS_ENDPOINT',
      'SECRET_AZURE_STORAGE_CONNECTION_STRING',
      'SECRET_COSMOS_KEY',
    ]);
  });

  it('never puts a secret value in its error message', () => {
    const secret = 'Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eA==';
    try {
      loadConfig({ env: { SECRET_SEALING_KEY: secret }, root });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.ok(!error.message.includes(secret));
    }
  });
});
