import { guidFrom } from '../state/graph-ids';
import type { AppRegistry } from './app-registry';
import { derivedClientSecret } from './client-secret';
import type { EntraErrorCode } from './entra-error';

/**
 * The app registrations every simulated tenant starts with: one per way an admin's setup can
 * turn out (setup guide steps 5-12), so the product's connection test can be run against each.
 */
export const DEMO_SCENARIOS = [
  'ok',
  'chat_only',
  'wrong_secret',
  'expired_secret',
  'consent_missing',
  'basic_only',
  'app_disabled',
  'no_service_principal',
] as const;

export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

/** A seeded app and the credential handed out for it (what the admin would paste). */
export interface DemoApp {
  scenario: DemoScenario;
  appId: string;
  /** The string given as "secret": for `wrong_secret` it is the secret's ID, not its value. */
  secret: string;
  displayName: string;
  description: string;
  /** The AADSTS code the token request fails with; absent when a token is issued. */
  tokenError?: EntraErrorCode;
}

interface ScenarioSetup {
  description: string;
  roles: readonly string[];
  consented: boolean;
  enabled: boolean;
  servicePrincipal: boolean;
  /** What is handed out: the secret's value or, the classic mistake, its ID. */
  handOut: 'value' | 'secretId';
  expired: boolean;
  tokenError?: EntraErrorCode;
}

const CHAT_ROLES = ['Chat.Read.All', 'Chat.ReadWrite.All'] as const;

function setupOf(scenario: DemoScenario): ScenarioSetup {
  const base = {
    consented: true,
    enabled: true,
    servicePrincipal: true,
    handOut: 'value',
    expired: false,
  } as const;
  switch (scenario) {
    case 'ok':
      return {
        ...base,
        description: 'everything set up: chats and the user directory readable',
        roles: [...CHAT_ROLES, 'User.Read.All'],
      };
    case 'chat_only':
      return {
        ...base,
        description: "exactly the setup guide's permissions (no User.Read.All): listing users is 403",
        roles: CHAT_ROLES,
      };
    case 'wrong_secret':
      return {
        ...base,
        description: "the secret's ID pasted instead of its value: token request fails with 7000215",
        roles: CHAT_ROLES,
        handOut: 'secretId',
        tokenError: 7000215,
      };
    case 'expired_secret':
      return {
        ...base,
        description: 'the only secret has expired: 7000222',
        roles: CHAT_ROLES,
        expired: true,
        tokenError: 7000222,
      };
    case 'consent_missing':
      return {
        ...base,
        description:
          'permissions added, admin consent not granted: the token has no roles, Graph answers 403',
        roles: CHAT_ROLES,
        consented: false,
      };
    case 'basic_only':
      return {
        ...base,
        description: 'Chat.ReadBasic.All only: chats and members listed, message content refused (403)',
        roles: ['Chat.ReadBasic.All', 'User.Read.All'],
      };
    case 'app_disabled':
      return {
        ...base,
        description: 'the application is disabled: 7000112',
        roles: CHAT_ROLES,
        enabled: false,
        tokenError: 7000112,
      };
    case 'no_service_principal':
      return {
        ...base,
        description: 'registered, but no service principal in the tenant: 7000229',
        roles: CHAT_ROLES,
        servicePrincipal: false,
        consented: false,
        tokenError: 7000229,
      };
  }
}

const DAY_MS = 86_400_000;

/**
 * Registers the demo apps of one tenant, derived from `seed` and the tenant id so the same seed
 * always hands out the same ids and secrets. Apps already in the registry (a reused database)
 * are left as they are.
 */
export function seedDemoApps(registry: AppRegistry, tenantId: string, seed: string, now: number): DemoApp[] {
  return DEMO_SCENARIOS.map((scenario) => {
    const setup = setupOf(scenario);
    const appId = guidFrom('sim-app', seed, tenantId, scenario);
    const secretId = guidFrom('sim-app-secret', seed, tenantId, scenario);
    const value = derivedClientSecret('sim-app-secret-value', seed, tenantId, scenario);
    const displayName = `ChatVault backup (${scenario})`;
    if (!registry.findApp(tenantId, appId)) {
      registry.createApp(tenantId, {
        appId,
        displayName,
        requiredRoles: setup.roles,
        consented: setup.consented,
        servicePrincipal: setup.servicePrincipal,
        enabled: setup.enabled,
        scenario,
      });
      registry.addSecret(tenantId, appId, {
        secretId,
        value,
        displayName: 'ChatVault',
        ...(setup.expired ? { startMs: now - 400 * DAY_MS, endMs: now - DAY_MS } : { startMs: now - DAY_MS }),
      });
    }
    return {
      scenario,
      appId,
      secret: setup.handOut === 'secretId' ? secretId : value,
      displayName,
      description: setup.description,
      ...(setup.tokenError === undefined ? {} : { tokenError: setup.tokenError }),
    };
  });
}
