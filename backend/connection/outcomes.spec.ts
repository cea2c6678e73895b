import assert from 'node:assert/strict';
import { GUIDE_STEPS } from './guide-steps';
import { describeOutcome, OUTCOME_CODES, outcomeTable } from './outcomes';

describe('outcomes', () => {
  it('has every code the connection test can end with', () => {
    const required = [
      'active',
      'invalid_app_id',
      'secret_id_pasted',
      'invalid_secret',
      'expired_secret',
      'app_not_found',
      'tenant_not_found',
      'tenant_mismatch',
      'no_service_principal',
      'app_disabled',
      'consent_missing',
      'permission_missing',
      'graph_forbidden',
      'unreachable',
      'throttled',
    ];
    for (const code of required) assert.ok(OUTCOME_CODES.includes(code as never), code);
  });

  it('gives every failure a sentence and, unless nothing in the guide helps, a guide step', () => {
    for (const { code, step } of outcomeTable()) {
      const described = describeOutcome(code);
      assert.ok(described.message.length > 20, code);
      assert.doesNotMatch(described.message, /undefined|\[object/, code);
      if (step !== null) {
        assert.ok(step in GUIDE_STEPS, `${code}: ${step}`);
        assert.ok(described.message.includes(GUIDE_STEPS[step]), code);
      }
    }
    const stepless = outcomeTable()
      .filter((o) => o.step === null)
      .map((o) => o.code);
    assert.deepEqual(stepless.sort(), ['active', 'throttled', 'unexpected', 'unreachable']);
  });

  it('names the missing permissions and explains User.Read.All and Chat.ReadBasic.All', () => {
    const chatOnly = describeOutcome('permission_missing', {
      missing: ['User.Read.All'],
      granted: ['Chat.Read.All', 'Chat.ReadWrite.All'],
    });
    assert.equal(chatOnly.step, 'setup-8-11');
    assert.match(chatOnly.message, /User\.Read\.All/);
    assert.match(chatOnly.message, /step 11/);
    const basic = describeOutcome('permission_missing', {
      missing: ['Chat.Read.All'],
      granted: ['Chat.ReadBasic.All', 'User.Read.All'],
    });
    assert.match(basic.message, /Chat\.Read\.All/);
    assert.match(basic.message, /names and members only/);
  });

  it('treats only unreachable and throttled as transient', () => {
    const transient = outcomeTable()
      .filter((o) => o.transient)
      .map((o) => o.code);
    assert.deepEqual(transient.sort(), ['throttled', 'unreachable']);
  });
});
