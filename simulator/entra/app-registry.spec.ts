import assert from 'node:assert/strict';
import { openSimulatorDb, type SimulatorDb } from '../state/schema';
import { AppRegistry, AppRegistryError } from './app-registry';
import { CLIENT_SECRET_LENGTH, derivedClientSecret, randomClientSecret, secretHint } from './client-secret';
import { DEMO_SCENARIOS, seedDemoApps } from './demo-apps';

const TENANT = '11111111-1111-4111-8111-111111111111';
const DAY_MS = 86_400_000;

describe('AppRegistry', () => {
  let db: SimulatorDb;
  let now: number;
  let registry: AppRegistry;

  beforeEach(() => {
    db = openSimulatorDb();
    now = Date.UTC(2026, 5, 1);
    registry = new AppRegistry(db, () => now);
  });

  afterEach(() => db.close());

  const reason = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof AppRegistryError);
      return error.reason;
    }
    assert.fail('no error');
  };

  it('registers an app with a service principal and consent by default, and refuses a second with the same id', () => {
    const app = registry.createApp(TENANT, {
      displayName: 'Backup',
      requiredRoles: ['Chat.Read.All', 'Chat.Read.All'],
    });
    assert.deepEqual(app.requiredRoles, ['Chat.Read.All']);
    assert.deepEqual(app.grantedRoles, ['Chat.Read.All']);
    assert.ok(app.servicePrincipalId);
    assert.equal(app.enabled, true);
    assert.equal(
      reason(() => registry.createApp(TENANT, { displayName: 'Again', appId: app.appId.toUpperCase() })),
      'conflict',
    );
  });

  it('hands out a secret value once; listings show its hint only', () => {
    const app = registry.createApp(TENANT, { displayName: 'Backup' });
    const secret = registry.addSecret(TENANT, app.appId);
    assert.equal(secret.value.length, CLIENT_SECRET_LENGTH);
    assert.equal(secret.hint, secret.value.slice(0, 3));
    assert.equal(secret.endDateTime, new Date(now + 730 * DAY_MS).toISOString());
    const listed = registry.requireApp(TENANT, app.appId).secrets;
    assert.deepEqual(
      listed.map((s) => s.secretId),
      [secret.secretId],
    );
    assert.equal('value' in listed[0]!, false);
  });

  it('rotates (the new secret replaces every old one), expires and deletes secrets', () => {
    const app = registry.createApp(TENANT, { displayName: 'Backup' });
    const first = registry.addSecret(TENANT, app.appId);
    registry.addSecret(TENANT, app.appId);
    const rotated = registry.rotateSecret(TENANT, app.appId);
    assert.deepEqual(
      registry.secretValues(TENANT, app.appId).map((s) => s.value),
      [rotated.value],
    );
    const expired = registry.expireSecret(TENANT, app.appId, rotated.secretId);
    assert.equal(expired.expired, true);
    registry.removeSecret(TENANT, app.appId, rotated.secretId);
    assert.deepEqual(registry.requireApp(TENANT, app.appId).secrets, []);
    assert.equal(
      reason(() => registry.removeSecret(TENANT, app.appId, first.secretId)),
      'secretNotFound',
    );
  });

  it('grants and revokes consent; granting adds roles to the registration; deleting the service principal drops the grant', () => {
    const app = registry.createApp(TENANT, {
      displayName: 'Backup',
      requiredRoles: ['Chat.Read.All'],
      consented: false,
    });
    assert.equal(app.grantedRoles, null);
    const granted = registry.grantConsent(TENANT, app.appId, ['Chat.Read.All', 'User.Read.All']);
    assert.deepEqual(granted.grantedRoles, ['Chat.Read.All', 'User.Read.All']);
    assert.deepEqual(granted.requiredRoles, ['Chat.Read.All', 'User.Read.All']);
    assert.equal(registry.revokeConsent(TENANT, app.appId).grantedRoles, null);
    registry.grantConsent(TENANT, app.appId);
    const withoutPrincipal = registry.removeServicePrincipal(TENANT, app.appId);
    assert.deepEqual([withoutPrincipal.servicePrincipalId, withoutPrincipal.grantedRoles], [null, null]);
    assert.equal(
      reason(() => registry.grantConsent(TENANT, app.appId)),
      'invalid',
    );
    const again = registry.createServicePrincipal(TENANT, app.appId);
    assert.deepEqual([typeof again.servicePrincipalId, again.grantedRoles], ['string', null]);
  });

  it('keeps apps of one tenant out of another', () => {
    const app = registry.createApp(TENANT, { displayName: 'Backup' });
    assert.equal(registry.findApp('22222222-2222-4222-8222-222222222222', app.appId), undefined);
  });
});

describe('demo apps', () => {
  it('seeds one app per scenario, reproducibly, handing out the secret ID for wrong_secret', () => {
    const db = openSimulatorDb();
    try {
      const now = Date.UTC(2026, 5, 1);
      const registry = new AppRegistry(db, () => now);
      const apps = seedDemoApps(registry, TENANT, 'seed', now);
      assert.deepEqual(
        apps.map((a) => a.scenario),
        [...DEMO_SCENARIOS],
      );
      assert.deepEqual(seedDemoApps(registry, TENANT, 'seed', now), apps, 'a second seeding changes nothing');

      const byScenario = new Map(apps.map((a) => [a.scenario, a]));
      const record = (s: (typeof DEMO_SCENARIOS)[number]) =>
        registry.requireApp(TENANT, byScenario.get(s)!.appId);
      assert.equal(byScenario.get('wrong_secret')!.secret, record('wrong_secret').secrets[0]!.secretId);
      assert.equal(record('expired_secret').secrets[0]!.expired, true);
      assert.equal(record('consent_missing').grantedRoles, null);
      assert.deepEqual(record('chat_only').grantedRoles, ['Chat.Read.All', 'Chat.ReadWrite.All']);
      assert.deepEqual(record('basic_only').grantedRoles, ['Chat.ReadBasic.All', 'User.Read.All']);
      assert.equal(record('app_disabled').enabled, false);
      assert.equal(record('no_service_principal').servicePrincipalId, null);
      assert.ok(record('ok').grantedRoles!.includes('User.Read.All'));
    } finally {
      db.close();
    }
  });
});

describe('client secrets', () => {
  it('look like Entra values: 40 characters, a 3-character hint, then 8Q~', () => {
    for (const secret of [randomClientSecret(), derivedClientSecret('a', 1)]) {
      assert.match(secret, /^[A-Za-z0-9]{3}8Q~[A-Za-z0-9~._-]{34}$/);
      assert.equal(secretHint(secret), secret.slice(0, 3));
    }
    assert.equal(derivedClientSecret('a', 1), derivedClientSecret('a', 1));
    assert.notEqual(derivedClientSecret('a', 1), derivedClientSecret('a', 2));
  });
});
