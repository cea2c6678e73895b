import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readZipEntries } from '../../test/support/zip-entries';
import { AppPackageError } from './app-package-error';
import { buildAppPackage } from './build-app-package';

const projectRoot = resolve(__dirname, '..', '..');
const provisioned = {
  TEAMS_APP_ID: '6f2b9a51-0c7e-4d3a-9b8f-1e2d3c4b5a69',
  BOT_ID: '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9',
};

async function rejection(promise: Promise<unknown>): Promise<AppPackageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppPackageError, `expected an AppPackageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an AppPackageError');
}

describe('buildAppPackage', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = mkdtempSync(join(tmpdir(), 'chatvault-app-package-'));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('zips exactly manifest.json and the two icons, at the root, for env local', async () => {
    const built = await buildAppPackage({ root: projectRoot, env: 'local', outDir, overrides: provisioned });

    assert.equal(built.zipFile, join(outDir, 'appPackage.local.zip'));
    const entries = readZipEntries(readFileSync(built.zipFile));
    assert.deepEqual(entries.map((e) => e.name).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    assert.deepEqual(JSON.parse(byName.get('manifest.json')!.toString('utf8')), built.manifest);
    assert.equal(built.manifest.id, provisioned.TEAMS_APP_ID);
    for (const icon of ['color.png', 'outline.png']) {
      assert.ok(byName.get(icon)!.equals(readFileSync(join(projectRoot, 'appPackage', icon))), icon);
    }
    assert.deepEqual(JSON.parse(readFileSync(built.manifestFile, 'utf8')), built.manifest);
    assert.deepEqual(readdirSync(outDir).sort(), ['appPackage.local.zip', 'manifest.local.json']);
  });

  it('writes the same bytes from the same inputs', async () => {
    const first = await buildAppPackage({ root: projectRoot, env: 'local', outDir, overrides: provisioned });
    const bytes = readFileSync(first.zipFile);
    await buildAppPackage({ root: projectRoot, env: 'local', outDir, overrides: provisioned });
    assert.ok(readFileSync(first.zipFile).equals(bytes));
  });

  it('writes no package when the manifest breaks its schema, and says which variables are empty', async () => {
    const error = await rejection(
      buildAppPackage({ root: projectRoot, env: 'local', outDir, overrides: { ...provisioned, BOT_ID: '' } }),
    );
    assert.equal(error.reason, 'invalid-manifest');
    assert.deepEqual(error.details, ['/bots/0/botId', '/webApplicationInfo/id']);
    assert.match(error.message, /empty: BOT_ID\./);
    assert.match(error.message, /teamsapp provision --env local/);
    assert.deepEqual(readdirSync(outDir), []);
  });

  it('refuses an unknown environment', async () => {
    const error = await rejection(buildAppPackage({ root: projectRoot, env: 'staging', outDir }));
    assert.equal(error.reason, 'unknown-environment');
  });

  describe('with icons that Teams would refuse', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'chatvault-app-root-'));
      mkdirSync(join(root, 'appPackage'));
      mkdirSync(join(root, 'env'));
      for (const file of ['manifest.json', 'color.png', 'outline.png']) {
        copyFileSync(join(projectRoot, 'appPackage', file), join(root, 'appPackage', file));
      }
      writeFileSync(
        join(root, 'env', '.env.test'),
        Object.entries({
          ...provisioned,
          APP_NAME_SUFFIX: '',
          TAB_DOMAIN: 'a.example',
          TAB_ENDPOINT: 'https://a.example',
        })
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('builds from a copy of the project (the fixture is sound)', async () => {
      const built = await buildAppPackage({ root, env: 'test', outDir });
      assert.ok(existsSync(built.zipFile));
    });

    it('refuses a missing icon, naming it', async () => {
      rmSync(join(root, 'appPackage', 'outline.png'));
      const error = await rejection(buildAppPackage({ root, env: 'test', outDir }));
      assert.equal(error.reason, 'invalid-icon');
      assert.deepEqual(error.details, ['appPackage/outline.png']);
    });

    it('refuses icons swapped for each other', async () => {
      copyFileSync(join(projectRoot, 'appPackage', 'outline.png'), join(root, 'appPackage', 'color.png'));
      const error = await rejection(buildAppPackage({ root, env: 'test', outDir }));
      assert.equal(error.reason, 'invalid-icon');
      assert.match(error.message, /color\.png is 32x32; Teams requires 192x192/);
      assert.deepEqual(readdirSync(outDir), []);
    });

    it('refuses an icon path into a folder', async () => {
      const file = join(root, 'appPackage', 'manifest.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"color.png"', '"icons/color.png"'));
      const error = await rejection(buildAppPackage({ root, env: 'test', outDir }));
      assert.equal(error.reason, 'invalid-icon');
      assert.deepEqual(error.details, ['/icons/color']);
    });
  });
});
