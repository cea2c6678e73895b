import assert from 'node:assert/strict';
import { GraphHttpError } from '../graph-error';
import { issuerFor, mintAppToken, mintUserToken, type AppTokenClaims } from './access-tokens';
import { GraphBearerCheck } from './graph-bearer';
import { createSimulatorKeys, type SimulatorKeys } from './signing-keys';

const AUTHORITY = 'https://127.0.0.1:4443';
const TENANT = '11111111-1111-4111-8111-111111111111';

describe('GraphBearerCheck', () => {
  let keys: SimulatorKeys;
  let now: number;
  let check: GraphBearerCheck;

  before(async () => {
    keys = await createSimulatorKeys();
  });

  beforeEach(() => {
    now = Date.UTC(2026, 5, 1, 12);
    check = new GraphBearerCheck(keys.signing, {
      authorityHost: () => AUTHORITY,
      issuerFor: (tenantId) => issuerFor(AUTHORITY, tenantId),
      now: () => now,
    });
  });

  const claims = (change: Partial<AppTokenClaims> = {}): AppTokenClaims => ({
    tenantId: TENANT,
    appId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    appDisplayName: 'Backup',
    servicePrincipalId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    roles: ['Chat.Read.All'],
    issuer: issuerFor(AUTHORITY, TENANT),
    nowMs: now,
    ...change,
  });

  async function refusal(authorization: string | undefined): Promise<string> {
    try {
      await check.callerOf(authorization);
    } catch (error) {
      assert.ok(error instanceof GraphHttpError);
      assert.deepEqual([error.status, error.code], [401, 'InvalidAuthenticationToken']);
      assert.match(
        error.headers['WWW-Authenticate']!,
        /^Bearer realm="", authorization_uri="https:\/\/127\.0\.0\.1:4443\/common\/oauth2\/authorize"/,
      );
      return error.message;
    }
    assert.fail('the token was accepted');
  }

  it('turns a good app token into the caller: tenant, app and roles', async () => {
    const token = await mintAppToken(keys.signing, claims());
    assert.deepEqual(await check.callerOf(`Bearer ${token}`), {
      tenantId: TENANT,
      appId: claims().appId,
      roles: ['Chat.Read.All'],
    });
  });

  it('reads a token without a roles claim as a caller without roles', async () => {
    const token = await mintAppToken(keys.signing, claims({ roles: [] }));
    assert.deepEqual((await check.callerOf(`Bearer ${token}`)).roles, []);
  });

  it('refuses missing, malformed, foreign-signed, expired, wrong-audience and wrong-issuer tokens', async () => {
    assert.match(await refusal(undefined), /empty/);
    assert.match(await refusal('Basic abc'), /empty/);
    assert.match(await refusal('Bearer a.b'), /not well formed/);
    assert.match(
      await refusal(`Bearer ${await mintAppToken(keys.foreign, claims())}`),
      /Signature validation failed/,
    );
    assert.match(
      await refusal(`Bearer ${await mintAppToken(keys.signing, claims({ nowMs: now - 7200_000 }))}`),
      /expired/,
    );
    assert.match(
      await refusal(
        `Bearer ${await mintAppToken(keys.signing, claims({ issuer: issuerFor('https://elsewhere', TENANT) }))}`,
      ),
      /Invalid issuer/,
    );
    const userToken = await mintUserToken(keys.signing, {
      tenantId: TENANT,
      userId: 'u',
      userPrincipalName: 'u@contoso.example',
      displayName: 'U',
      audience: 'api://contoso.example/botid-1',
      scopes: ['access_as_user'],
      issuer: issuerFor(AUTHORITY, TENANT),
      nowMs: now,
    });
    assert.match(await refusal(`Bearer ${userToken}`), /Invalid audience/);
  });

  it('remembers a verified token until it expires, then refuses it', async () => {
    const token = await mintAppToken(keys.signing, claims({ lifetimeSeconds: 60 }));
    await check.callerOf(`Bearer ${token}`);
    now += 59_000;
    await check.callerOf(`Bearer ${token}`);
    now += 1_000;
    assert.match(await refusal(`Bearer ${token}`), /expired/);
  });
});
