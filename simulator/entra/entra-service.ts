import type { TenantRef } from '../state/directory';
import type { SimulatorDb } from '../state/schema';
import type { TenantState } from '../state/tenant-state';
import { ACCESS_TOKEN_LIFETIME_SECONDS, issuerFor, mintAppToken, mintUserToken } from './access-tokens';
import { AppRegistry } from './app-registry';
import { seedDemoApps, type DemoApp } from './demo-apps';
import { EntraError, entraFailures, type EntraErrorCode } from './entra-error';
import { GraphBearerCheck } from './graph-bearer';
import { createSimulatorKeys, type SimulatorKeys } from './signing-keys';
import { judgeClientCredentials, type TokenForm } from './token-request';

export interface EntraServiceOptions {
  db: SimulatorDb;
  state: TenantState;
  /** Demo app ids and secrets follow from it. */
  seed: string;
  /** `https://127.0.0.1:<port>`; known only once the server listens, hence a function. */
  authorityHost: () => string;
  now?: () => number;
}

/** Token requests by outcome: how many tokens were issued and how many refused, by AADSTS code. */
export interface TokenCounters {
  issued: number;
  refused: Partial<Record<EntraErrorCode, number>>;
}

export interface IssuedToken {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

export interface UserTokenRequest {
  /** A user of the tenant, by object id or user principal name. */
  user: string;
  /** The tab's API (`api://…`) the token is for. */
  audience: string;
  scopes?: readonly string[];
  /** Mint a token that expired an hour ago. */
  expired?: boolean;
  /** Sign with a key this simulator never publishes: the signature cannot be verified. */
  signedBy?: 'simulator' | 'foreign';
}

export class UnknownUserError extends Error {
  constructor(tenantId: string, user: string) {
    super(`no user ${user} in tenant ${tenantId}`);
    this.name = 'UnknownUserError';
  }
}

/**
 * The simulator's Entra ID: app registrations, the signing keys, the client credentials grant,
 * user tokens for tab SSO tests, and the bearer check Graph requests go through.
 */
export class EntraService {
  readonly registry: AppRegistry;
  readonly bearer: GraphBearerCheck;
  private tokenCounts: TokenCounters = { issued: 0, refused: {} };
  private readonly now: () => number;

  private constructor(
    private readonly options: EntraServiceOptions,
    readonly keys: SimulatorKeys,
  ) {
    this.now = options.now ?? Date.now;
    this.registry = new AppRegistry(options.db, this.now);
    this.bearer = new GraphBearerCheck(keys.signing, {
      authorityHost: options.authorityHost,
      issuerFor: (tenantId) => this.issuerFor(tenantId),
      now: this.now,
    });
  }

  static async create(options: EntraServiceOptions): Promise<EntraService> {
    return new EntraService(options, await createSimulatorKeys());
  }

  /** Token requests since the start or the last reset. */
  get counters(): TokenCounters {
    return { issued: this.tokenCounts.issued, refused: { ...this.tokenCounts.refused } };
  }

  resetCounters(): void {
    this.tokenCounts = { issued: 0, refused: {} };
  }

  get authorityHost(): string {
    return this.options.authorityHost();
  }

  issuerFor(tenantId: string): string {
    return issuerFor(this.authorityHost, tenantId);
  }

  /** A tenant by id or verified domain, or Entra's 90002. */
  requireTenant(idOrDomain: string): TenantRef {
    const tenant = this.options.state.findTenant(idOrDomain);
    if (!tenant) throw entraFailures.tenantNotFound(idOrDomain);
    return tenant;
  }

  seedDemoApps(tenantId: string): DemoApp[] {
    return seedDemoApps(this.registry, tenantId, this.options.seed, this.now());
  }

  /** The client credentials grant; refusals are counted by code and thrown as `EntraError`. */
  async issueAppToken(tenantIdOrDomain: string, form: TokenForm): Promise<IssuedToken> {
    try {
      const tenant = this.requireTenant(tenantIdOrDomain);
      const now = this.now();
      const granted = judgeClientCredentials(form, tenant, this.registry, now);
      const lifetime = ACCESS_TOKEN_LIFETIME_SECONDS;
      const accessToken = await mintAppToken(this.keys.signing, {
        tenantId: tenant.id,
        appId: granted.app.appId,
        appDisplayName: granted.app.displayName,
        servicePrincipalId: granted.app.servicePrincipalId!,
        roles: granted.roles,
        issuer: this.issuerFor(tenant.id),
        nowMs: now,
        lifetimeSeconds: lifetime,
      });
      this.tokenCounts.issued += 1;
      return {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: accessToken,
      };
    } catch (error) {
      if (error instanceof EntraError) {
        this.tokenCounts.refused[error.code] = (this.tokenCounts.refused[error.code] ?? 0) + 1;
      }
      throw error;
    }
  }

  /** A tab SSO token for a user of the tenant, signed with the published key unless asked otherwise. */
  async issueUserToken(tenantIdOrDomain: string, request: UserTokenRequest): Promise<string> {
    const tenant = this.requireTenant(tenantIdOrDomain);
    const user = this.options.state.findUser(tenant.id, request.user);
    if (!user) throw new UnknownUserError(tenant.id, request.user);
    const key = request.signedBy === 'foreign' ? this.keys.foreign : this.keys.signing;
    return mintUserToken(key, {
      tenantId: tenant.id,
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      audience: request.audience,
      scopes: request.scopes ?? ['access_as_user'],
      issuer: this.issuerFor(tenant.id),
      nowMs: this.now(),
      lifetimeSeconds: request.expired ? -3600 : undefined,
    });
  }
}
