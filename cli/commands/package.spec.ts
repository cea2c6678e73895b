import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '..', '..');
const provisioned = {
  TEAMS_APP_ID: '6f2b9a51-0c7e-4d3a-9b8f-1e2d3c4b5a69',
  BOT_ID: '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9',
};

/** Runs `chatvault package …` from the TypeScript sources in `cwd`, with only `env` as its environment. */
function chatvault(cwd: string, args: string[], env: Record<string, string> = {}) {
  const script =
    `require(${JSON.stringify(join(projectRoot, 'cli', 'main.ts'))})` +
    '.main(process.argv).then((code) => { process.exitCode = code; });';
  return spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script, 'chatvault', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
}

describe('chatvault package', () => {
  let root: string;
  beforeEach(() => {
    // A project folder of its own: the command works on its working directory, as npm scripts run it.
    root = mkdtempSync(join(tmpdir(), 'chatvault-package-cli-'));
    mkdirSync(join(root, 'appPackage'));
    mkdirSync(join(root, 'env'));
    for (const file of ['manifest.json', 'color.png', 'outline.png']) {
      copyFileSync(join(projectRoot, 'appPackage', file), join(root, 'appPackage', file));
    }
    copyFileSync(join(projectRoot, 'env', '.env.local'), join(root, 'env', '.env.local'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes appPackage/build/appPackage.local.zip by default, taking provisioned ids from env/.env.local.user', () => {
    writeFileSync(
      join(root, 'env', '.env.local.user'),
      `TEAMS_APP_ID=${provisioned.TEAMS_APP_ID}\nBOT_ID=${provisioned.BOT_ID}\n`,
    );
    const run = chatvault(root, ['package']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /Wrote appPackage\/build\/appPackage\.local\.zip \(manifest\.json, color\.png, outline\.png\)/,
    );
    assert.ok(existsSync(join(root, 'appPackage', 'build', 'appPackage.local.zip')));
  });

  it('takes variables from the environment too, over the files', () => {
    const run = chatvault(root, ['package', '--env', 'local'], provisioned);
    assert.equal(run.status, 0, run.stderr);
  });

  it('exits 1 naming the empty ids when env/.env.local is not provisioned yet', () => {
    const run = chatvault(root, ['package']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /\/bots\/0\/botId/);
    assert.match(run.stderr, /empty: BOT_ID, TEAMS_APP_ID/);
    assert.ok(!existsSync(join(root, 'appPackage', 'build', 'appPackage.local.zip')));
  });

  it('exits 2 for an environment with no env file', () => {
    const run = chatvault(root, ['package', '--env', 'prod']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /No Teams Toolkit environment "prod".*Known environments: local\./);
  });
});
