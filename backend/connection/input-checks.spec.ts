import assert from 'node:assert/strict';
import { checkConnectionInput, secretHint } from './input-checks';

const TENANT = '2bc09791-95cd-4267-92af-50f8e38327ca';
const APP = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';
const SECRET = 'Qx8~abcDEF0123456789.ghijKLMNopqr_stuVWX';
const NOW = new Date('2026-05-01T10:00:00Z');

function problemsOf(appId: string, secret: string, secretExpiresAt?: string) {
  const result = checkConnectionInput(
    { appId, secret, ...(secretExpiresAt ? { secretExpiresAt } : {}) },
    TENANT,
    NOW,
  );
  return result.ok ? [] : result.problems.map((p) => `${p.field}:${p.code}:${p.problem}`);
}

describe('checkConnectionInput', () => {
  it('accepts a GUID in any case with spaces around it, and normalises it to lower case', () => {
    const result = checkConnectionInput(
      { appId: `  ${APP.toUpperCase()}\n`, secret: `${SECRET}\r\n` },
      TENANT,
      NOW,
    );
    assert.ok(result.ok);
    assert.equal(result.input.appId, APP);
    assert.equal(result.input.secret, SECRET);
  });

  it('names each field that is empty', () => {
    assert.deepEqual(problemsOf('', '  '), ['appId:invalid_app_id:empty', 'secret:invalid_secret:empty']);
  });

  it('refuses an Application ID that is not a GUID, too long, or carries invisible characters', () => {
    assert.deepEqual(problemsOf('d0ef0cef578e411c9c3d3bf4ae424cb7x', SECRET), [
      'appId:invalid_app_id:not_guid',
    ]);
    assert.deepEqual(problemsOf('x'.repeat(65), SECRET), ['appId:invalid_app_id:too_long']);
    assert.deepEqual(problemsOf(`d0ef0cef-578e-411c-9c3d-\u200b3bf4ae424cb7`, SECRET), [
      'appId:invalid_app_id:control_characters',
    ]);
  });

  it("refuses the tenant's own ID as the Application ID", () => {
    assert.deepEqual(problemsOf(TENANT.toUpperCase(), SECRET), ['appId:invalid_app_id:is_tenant_id']);
  });

  it("says a GUID-shaped secret is the secret's ID", () => {
    assert.deepEqual(problemsOf(APP, 'a359261c-cd02-4ef4-a1e2-95590ab6dca2'), [
      'secret:secret_id_pasted:looks_like_id',
    ]);
  });

  it('refuses a masked, oversized or control-character secret', () => {
    assert.deepEqual(problemsOf(APP, 'Qx8*************************************'), [
      'secret:invalid_secret:masked_value',
    ]);
    assert.deepEqual(problemsOf(APP, 'a'.repeat(257)), ['secret:invalid_secret:too_long']);
    assert.deepEqual(problemsOf(APP, 'abc\u0007def'), ['secret:invalid_secret:control_characters']);
    assert.deepEqual(problemsOf(APP, 'abc def'), ['secret:invalid_secret:unexpected_characters']);
  });

  it('takes an optional expiry date, refusing one in the past or not a date', () => {
    const ok = checkConnectionInput(
      { appId: APP, secret: SECRET, secretExpiresAt: '2027-01-31' },
      TENANT,
      NOW,
    );
    assert.ok(ok.ok);
    assert.equal(ok.input.expiresAt?.toISOString(), '2027-01-31T23:59:59.000Z');
    assert.deepEqual(problemsOf(APP, SECRET, '2026-04-30'), ['expiresAt:invalid_expiry:in_the_past']);
    assert.deepEqual(problemsOf(APP, SECRET, 'next year'), ['expiresAt:invalid_expiry:not_a_date']);
  });

  it('keeps a well-formed Application ID when only another field is wrong', () => {
    const result = checkConnectionInput({ appId: APP.toUpperCase(), secret: '' }, TENANT, NOW);
    assert.ok(!result.ok);
    assert.equal(result.appId, APP);
  });
});

describe('secretHint', () => {
  it('is the first three characters, as Entra shows them', () => {
    assert.equal(secretHint(` ${SECRET}`), 'Qx8');
  });
});
