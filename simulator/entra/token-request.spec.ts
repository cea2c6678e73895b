import assert from 'node:assert/strict';
import { openSimulatorDb, type SimulatorDb } from '../state/schema';
import { AppRegistry } from './app-registry';
import { EntraError, ENTRA_ERRORS, entraErrorBody } from './entra-error';
import { judgeClientCredentials, readTokenForm, type TokenForm } from './token-request';

const TENANT = { id: '11111111-1111-4111-8111-111111111111', displayName: 'Contoso' };
const NOW = Date.UTC(2026, 5, 1);
const SECRET = 'abc8Q~0123456789abcdefghijklmnopqrstuvwx';

describe('client credentials judgement', () => {
  let db: SimulatorDb;
  let registry: AppRegistry;
  let appId: string;
  let secretId: string;

  beforeEach(() => {
    db = openSimulatorDb();
    registry = new AppRegistry(db, () => NOW);
    appId = registry.createApp(TENANT.id, { displayName: 'Backup', requiredRoles: ['Chat.Read.All'] }).appId;
    secretId = registry.addSecret(TENANT.id, appId, { value: SECRET }).secretId;
  });

  afterEach(() => db.close());

  const form = (change: Partial<TokenForm> = {}): TokenForm => ({
    grantType: 'client_credentials',
    clientId: appId,
    clientSecret: SECRET,
    scope: 'https://graph.microsoft.com/.default',
    ...change,
  });

  function refusal(f: TokenForm): number {
    try {
      judgeClientCredentials(f, TENANT, registry, NOW);
    } catch (error) {
      assert.ok(error instanceof EntraError, String(error));
      return error.code;
    }
    assert.fail('the request was granted');
  }

  it('grants a good request the roles admin consent granted', () => {
    const granted = judgeClientCredentials(form(), TENANT, registry, NOW);
    assert.equal(granted.app.appId, appId);
    assert.deepEqual(granted.roles, ['Chat.Read.All']);
  });

  it('accepts the resource by application id, and OIDC scopes beside it', () => {
    judgeClientCredentials(
      form({ scope: '00000003-0000-0000-c000-000000000000/.default' }),
      TENANT,
      registry,
      NOW,
    );
    judgeClientCredentials(
      form({ scope: 'https://graph.microsoft.com/.default offline_access openid' }),
      TENANT,
      registry,
      NOW,
    );
  });

  it('answers malformed requests with the AADSTS code Entra uses for each', () => {
    assert.equal(refusal(form({ grantType: undefined })), 900144);
    assert.equal(refusal(form({ grantType: 'password' })), 70003);
    assert.equal(refusal(form({ clientId: undefined })), 900144);
    assert.equal(refusal(form({ scope: undefined })), 900144);
    assert.equal(refusal(form({ scope: 'https://graph.microsoft.com/Chat.Read.All' })), 1002012);
    assert.equal(
      refusal(form({ scope: 'https://graph.microsoft.com/.default https://vault.azure.net/.default' })),
      1002012,
    );
    assert.equal(refusal(form({ scope: 'https://vault.azure.net/.default' })), 500011);
  });

  it('judges the application before its secret: unknown, no service principal, disabled', () => {
    assert.equal(
      refusal(form({ clientId: '22222222-2222-4222-8222-222222222222', clientSecret: 'wrong' })),
      700016,
    );
    registry.setEnabled(TENANT.id, appId, false);
    assert.equal(refusal(form({ clientSecret: 'wrong' })), 7000112);
    registry.removeServicePrincipal(TENANT.id, appId);
    assert.equal(refusal(form({ clientSecret: 'wrong' })), 7000229);
  });

  it('tells a wrong secret (7000215, the secret ID too) from an expired one (7000222), and a missing one (7000218)', () => {
    assert.equal(refusal(form({ clientSecret: undefined })), 7000218);
    assert.equal(refusal(form({ clientSecret: secretId })), 7000215);
    assert.equal(refusal(form({ clientSecret: `${SECRET}x` })), 7000215);
    registry.expireSecret(TENANT.id, appId, secretId);
    assert.equal(refusal(form()), 7000222);
    registry.addSecret(TENANT.id, appId, { value: 'new8Q~0123456789abcdefghijklmnopqrstuvwx' });
    assert.equal(refusal(form()), 7000222, 'another valid secret does not revive an expired one');
    judgeClientCredentials(
      form({ clientSecret: 'new8Q~0123456789abcdefghijklmnopqrstuvwx' }),
      TENANT,
      registry,
      NOW,
    );
  });

  it('gives a token without roles while consent is missing', () => {
    registry.revokeConsent(TENANT.id, appId);
    assert.deepEqual(judgeClientCredentials(form(), TENANT, registry, NOW).roles, []);
  });
});

describe('token form', () => {
  it('reads an urlencoded body, and the client from HTTP Basic when the body has none', () => {
    const basic = `Basic ${Buffer.from('app-id:s3cr%3Ar').toString('base64')}`;
    const parsed = readTokenForm(
      'grant_type=client_credentials&scope=x%2F.default',
      'application/x-www-form-urlencoded; charset=utf-8',
      basic,
    );
    assert.deepEqual(parsed, {
      grantType: 'client_credentials',
      clientId: 'app-id',
      clientSecret: 's3cr:r',
      scope: 'x/.default',
    });
  });

  it('reads nothing from a body that is not a form, as Entra does', () => {
    const parsed = readTokenForm('{"grant_type":"client_credentials"}', 'application/json', undefined);
    assert.equal(parsed.grantType, undefined);
  });
});

describe('Entra error body', () => {
  it('has the fields and description layout Entra answers with', () => {
    const failure = new EntraError(7000215, 'Invalid client secret provided.');
    const body = entraErrorBody(failure, {
      authorityHost: 'https://127.0.0.1:1',
      now: Date.UTC(2026, 0, 2, 3, 4, 5),
      correlationId: 'c-id',
    });
    assert.equal(body.error, 'invalid_client');
    assert.deepEqual(body.error_codes, [7000215]);
    assert.equal(body.timestamp, '2026-01-02 03:04:05Z');
    assert.equal(body.correlation_id, 'c-id');
    assert.equal(
      body.error_description,
      `AADSTS7000215: Invalid client secret provided.\r\nTrace ID: ${body.trace_id}\r\nCorrelation ID: c-id\r\nTimestamp: 2026-01-02 03:04:05Z`,
    );
    assert.equal(body.error_uri, 'https://127.0.0.1:1/error?code=7000215');
  });

  it('sends invalid_client failures as 401 and the others as 400', () => {
    for (const [code, { status, error }] of Object.entries(ENTRA_ERRORS)) {
      assert.equal(status, error === 'invalid_client' ? 401 : 400, code);
    }
  });
});
