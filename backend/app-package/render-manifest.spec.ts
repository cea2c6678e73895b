import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppPackageError } from './app-package-error';
import { validateManifest } from './manifest-schema';
import { renderManifest } from './render-manifest';
import { loadTeamsEnv } from './teams-env-files';

const root = resolve(__dirname, '..', '..');
const template = readFileSync(join(root, 'appPackage', 'manifest.json'), 'utf8');
/** What `teamsapp provision --env local` writes into env/.env.local. */
const provisioned = {
  TEAMS_APP_ID: '6f2b9a51-0c7e-4d3a-9b8f-1e2d3c4b5a69',
  BOT_ID: '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9',
};

function caught(f: () => unknown): AppPackageError {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof AppPackageError, `expected an AppPackageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an AppPackageError');
}

describe('renderManifest', () => {
  // These read the project's own env files, which provisioning and a developer's tunnel change:
  // they check what must hold whatever those values are, not the values themselves.
  it('renders the committed template for env local, once provisioned, into a schema-valid manifest', () => {
    const vars = loadTeamsEnv({ root, env: 'local', overrides: provisioned });
    const { manifest } = renderManifest(template, vars);

    assert.deepEqual(validateManifest(manifest), []);
    assert.equal(manifest.id, provisioned.TEAMS_APP_ID);
    const bots = manifest.bots as { botId: string; scopes: string[] }[];
    assert.equal(bots[0].botId, provisioned.BOT_ID);
    assert.deepEqual(bots[0].scopes, ['personal', 'team']);
    assert.deepEqual(manifest.webApplicationInfo, {
      id: provisioned.BOT_ID,
      resource: `api://${vars.TAB_DOMAIN}/botid-${provisioned.BOT_ID}`,
    });
    const tabs = manifest.staticTabs as { contentUrl?: string }[];
    assert.equal(tabs[0].contentUrl, `${vars.TAB_ENDPOINT}/tab/index.html#/credentials`);
    assert.deepEqual(manifest.validDomains, [vars.TAB_DOMAIN]);
  });

  it('reports the used variables that are defined but empty, such as ids not yet provisioned', () => {
    const vars = {
      TEAMS_APP_ID: '',
      BOT_ID: '',
      APP_NAME_SUFFIX: '',
      TAB_DOMAIN: 'a.example',
      TAB_ENDPOINT: 'https://a.example',
    };
    const { used, empty, manifest } = renderManifest(template, vars);
    assert.deepEqual(empty, ['APP_NAME_SUFFIX', 'BOT_ID', 'TEAMS_APP_ID']);
    assert.deepEqual(used, ['APP_NAME_SUFFIX', 'BOT_ID', 'TAB_DOMAIN', 'TAB_ENDPOINT', 'TEAMS_APP_ID']);
    assert.equal((manifest.name as { short: string }).short, 'ChatVault');
    // The schema is what turns an empty id into an error.
    assert.deepEqual(
      validateManifest(manifest).map((p) => p.path),
      ['/id', '/bots/0/botId', '/webApplicationInfo/id'],
    );
  });

  it('renders env dev with the values provisioning writes into a schema-valid manifest', () => {
    const vars = loadTeamsEnv({
      root,
      env: 'dev',
      overrides: {
        ...provisioned,
        TAB_DOMAIN: 'chatvault1a2b3c.azurewebsites.net',
        TAB_ENDPOINT: 'https://chatvault1a2b3c.azurewebsites.net',
      },
    });
    const { manifest } = renderManifest(template, vars);
    assert.deepEqual(validateManifest(manifest), []);
    assert.equal((manifest.name as { short: string }).short, `ChatVault${vars.APP_NAME_SUFFIX}`);
  });

  it('names every variable that is not defined, and renders nothing', () => {
    const error = caught(() => renderManifest(template, { TAB_DOMAIN: 'x.example', APP_NAME_SUFFIX: '' }));
    assert.equal(error.reason, 'missing-variables');
    assert.deepEqual(error.details, ['BOT_ID', 'TAB_ENDPOINT', 'TEAMS_APP_ID']);
    assert.match(error.message, /BOT_ID, TAB_ENDPOINT, TEAMS_APP_ID/);
    assert.match(error.message, /env\/\.env\.<env>/);
  });

  it('substitutes inside JSON strings, so quotes and backslashes in a value stay text', () => {
    const { manifest } = renderManifest('{"name": {"short": "a${{V}}b"}, "n": 1}', { V: '"},"x":"\\' });
    assert.deepEqual(manifest, { name: { short: 'a"},"x":"\\b' }, n: 1 });
  });

  it('accepts spaces inside the braces, as Teams Toolkit does', () => {
    const { manifest } = renderManifest('{"id": "${{ BOT_ID }}"}', { BOT_ID: 'b' });
    assert.deepEqual(manifest, { id: 'b' });
  });

  it('refuses a malformed placeholder rather than shipping it', () => {
    const error = caught(() => renderManifest('{"id": "${{BOT-ID}}"}', { BOT_ID: 'b' }));
    assert.equal(error.reason, 'invalid-template');
    assert.match(error.message, /\$\{\{BOT-ID\}\}/);
  });

  it('refuses a template that is not a JSON object', () => {
    assert.equal(caught(() => renderManifest('{"id": ', {})).reason, 'invalid-template');
    assert.equal(caught(() => renderManifest('[]', {})).reason, 'invalid-template');
  });

  it('keeps the bot menu within the limits Teams documents beyond the schema', () => {
    // Teams shows at most 10 commands per menu; titles up to 32 and descriptions up to 128 characters.
    const { manifest } = renderManifest(
      template,
      loadTeamsEnv({ root, env: 'local', overrides: provisioned }),
    );
    const [{ commandLists }] = manifest.bots as {
      commandLists: { commands: { title: string; description: string }[] }[];
    }[];
    for (const list of commandLists) {
      assert.ok(list.commands.length <= 10);
      for (const c of list.commands) {
        assert.ok(c.title.length <= 32, c.title);
        assert.ok(c.description.length <= 128, c.description);
      }
    }
    assert.deepEqual(
      commandLists[0].commands.map((c) => c.title),
      [
        'help',
        'connect',
        'status',
        'backup now',
        'cancel',
        'history',
        'schedule',
        'subscribe',
        'unsubscribe',
        'admins',
      ],
    );
  });
});

describe('loadTeamsEnv', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-teams-env-'));
    mkdirSync(join(dir, 'env'));
    writeFileSync(
      join(dir, 'env', '.env.dev'),
      'TEAMSFX_ENV=dev\nBOT_ID=from-env-file\nTAB_DOMAIN=from-env-file\n',
    );
    writeFileSync(
      join(dir, 'env', '.env.dev.user'),
      'SECRET_BOT_PASSWORD=from-user-file\nBOT_ID=from-user-file\n',
    );
    writeFileSync(join(dir, 'env', '.env.local'), 'TEAMSFX_ENV=local\n');
    writeFileSync(join(dir, 'env', '.env.dev.user.sample'), 'SECRET_BOT_PASSWORD=\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lays env/.env.<env>.user over env/.env.<env>, and the overrides over both', () => {
    const vars = loadTeamsEnv({ root: dir, env: 'dev', overrides: { TAB_DOMAIN: 'from-override' } });
    assert.equal(vars.TEAMSFX_ENV, 'dev');
    assert.equal(vars.BOT_ID, 'from-user-file');
    assert.equal(vars.SECRET_BOT_PASSWORD, 'from-user-file');
    assert.equal(vars.TAB_DOMAIN, 'from-override');
  });

  it('does without a .user file', () => {
    assert.deepEqual(loadTeamsEnv({ root: dir, env: 'local' }), { TEAMSFX_ENV: 'local' });
  });

  it('refuses an environment that has no env file, listing the known ones', () => {
    for (const env of ['staging', '../env/.env.local', '', 'dev.user']) {
      const error = caught(() => loadTeamsEnv({ root: dir, env }));
      assert.equal(error.reason, 'unknown-environment');
      assert.match(error.message, /Known environments: dev, local\./);
    }
  });
});
