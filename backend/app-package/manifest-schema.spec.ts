import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { AppPackageError } from './app-package-error';
import { loadManifestSchema, validateManifest } from './manifest-schema';
import { renderManifest, type RenderedManifest } from './render-manifest';

const root = resolve(__dirname, '..', '..');
const template = readFileSync(join(root, 'appPackage', 'manifest.json'), 'utf8');
const vars = {
  TEAMS_APP_ID: '6f2b9a51-0c7e-4d3a-9b8f-1e2d3c4b5a69',
  BOT_ID: '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9',
  APP_NAME_SUFFIX: '-local',
  TAB_DOMAIN: 'localhost:3978',
  TAB_ENDPOINT: 'https://localhost:3978',
};

function valid(): RenderedManifest {
  return renderManifest(template, vars).manifest;
}

/** Microsoft's own validator (the one Teams Toolkit uses), given the same shipped schema. */
async function microsoftVerdict(manifest: RenderedManifest): Promise<string[]> {
  const schema = loadManifestSchema(manifest.manifestVersion as string);
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

const broken: [string, (m: RenderedManifest) => void, string, RegExp][] = [
  ['a required field missing', (m) => delete m.developer, '/', /required property 'developer'/],
  ['a malformed GUID', (m) => (m.id = 'not-a-guid'), '/id', /must match pattern/],
  ['an accent colour by name', (m) => (m.accentColor = 'blue'), '/accentColor', /must match pattern/],
  ['an unknown field', (m) => (m.backupEverything = true), '/', /additional properties \(backupEverything\)/],
  [
    'a short description over 80 characters',
    (m) => ((m.description as { short: string }).short = 'x'.repeat(81)),
    '/description/short',
    /must NOT have more than 80 characters/,
  ],
  [
    'a bot scope Teams does not know',
    (m) => ((m.bots as { scopes: string[] }[])[0].scopes = ['channel']),
    '/bots/0/scopes/0',
    /must be equal to one of the allowed values/,
  ],
];

describe('validateManifest', () => {
  it("accepts the rendered manifest, as Microsoft's validator does", async () => {
    const manifest = valid();
    assert.deepEqual(validateManifest(manifest), []);
    assert.deepEqual(await microsoftVerdict(manifest), []);
  });

  for (const [what, breakIt, path, message] of broken) {
    it(`rejects ${what}, as Microsoft's validator does`, async () => {
      const manifest = valid();
      breakIt(manifest);
      const problems = validateManifest(manifest);
      assert.ok(
        problems.some((p) => p.path === path && message.test(p.message)),
        `expected a problem at ${path} matching ${message}, got ${JSON.stringify(problems)}`,
      );
      assert.notDeepEqual(await microsoftVerdict(manifest), []);
    });
  }

  it("validates against the schema of the manifest's own version", () => {
    // 1.29 added bots[].supportsTargetedMessages; 1.28 forbids it as an unknown property.
    const manifest = valid();
    (manifest.bots as Record<string, unknown>[])[0].supportsTargetedMessages = true;
    assert.deepEqual(validateManifest(manifest), []);
    manifest.manifestVersion = '1.28';
    manifest.$schema = 'https://developer.microsoft.com/json-schemas/teams/v1.28/MicrosoftTeams.schema.json';
    assert.ok(validateManifest(manifest).some((p) => p.path === '/bots/0'));
  });

  it('refuses a manifestVersion whose schema is not shipped', () => {
    for (const version of ['9.99', 1.29, undefined]) {
      const manifest = { ...valid(), manifestVersion: version };
      assert.throws(
        () => validateManifest(manifest),
        (e: unknown) => e instanceof AppPackageError && e.reason === 'unsupported-manifest-version',
      );
    }
  });
});
