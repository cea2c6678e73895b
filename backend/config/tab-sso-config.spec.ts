import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, LOCAL_TAB_AUDIENCE } from './config';

describe('loadConfig: the audiences of tab SSO tokens', () => {
  let root: string;
  const BOT = '6f1e2d3c-4b5a-4978-8877-665544332211';

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chatvault-config-'));
    mkdirSync(join(root, 'env'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts only the local demo audience while no bot is configured', () => {
    assert.deepEqual(loadConfig({ env: {}, root }).tabSso, {
      mode: 'local',
      audiences: [LOCAL_TAB_AUDIENCE],
    });
  });

  it("accepts the tab's app ID URI (as the manifest renders it from TAB_DOMAIN) and the bare app id with a bot", () => {
    writeFileSync(join(root, 'env', '.env.dev'), `BOT_ID=${BOT}\nTAB_DOMAIN=chatvault.contoso.com\n`);
    const config = loadConfig({ env: { CHATVAULT_ENV: 'dev', SECRET_BOT_PASSWORD: 'x' }, root });
    assert.deepEqual(config.tabSso, {
      mode: 'teams',
      audiences: [`api://chatvault.contoso.com/botid-${BOT}`, BOT],
    });
  });

  it('adds the audiences TAB_SSO_AUDIENCES lists, once each', () => {
    const config = loadConfig({
      env: {
        BOT_ID: BOT,
        SECRET_BOT_PASSWORD: 'x',
        TAB_SSO_AUDIENCES: ` api://old.example/botid-${BOT}, ${BOT} `,
      },
      root,
    });
    assert.deepEqual(config.tabSso.audiences, [BOT, `api://old.example/botid-${BOT}`]);
  });
});
