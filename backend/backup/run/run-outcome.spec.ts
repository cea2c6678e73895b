import assert from 'node:assert/strict';
import { decideOutcome } from './run-outcome';

const items = (done: number, failed: number) => ({ pending: 0, claimed: 0, done, failed });
const group = (kind: string, count: number) => ({ kind, count, examples: [] });

describe('decideOutcome', () => {
  it('succeeds with notices only, and is partial with any failure', () => {
    assert.equal(
      decideOutcome({
        cancelled: false,
        items: items(5, 0),
        errors: [group('user_unlicensed', 1)],
        users: 4,
      }),
      'succeeded',
    );
    assert.equal(
      decideOutcome({
        cancelled: false,
        items: items(5, 1),
        errors: [group('graph_unavailable', 1)],
        users: 4,
      }),
      'partial',
    );
    assert.equal(
      decideOutcome({
        cancelled: false,
        items: items(5, 0),
        errors: [group('hosted_content_missing', 1)],
        users: 4,
      }),
      'partial',
    );
  });

  it('fails when nothing was backed up, or every user was refused (consent revoked looks like that)', () => {
    assert.equal(
      decideOutcome({
        cancelled: false,
        items: items(0, 3),
        errors: [group('graph_unavailable', 3)],
        users: 3,
      }),
      'failed',
    );
    assert.equal(
      decideOutcome({
        cancelled: false,
        items: items(3, 0),
        errors: [group('user_unlicensed', 3)],
        users: 3,
      }),
      'failed',
    );
  });

  it('says cancelled whatever else happened', () => {
    assert.equal(decideOutcome({ cancelled: true, items: items(0, 3), errors: [], users: 3 }), 'cancelled');
  });
});
