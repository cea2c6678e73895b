import assert from 'node:assert/strict';
import { RequestLog } from './request-log';

describe('RequestLog', () => {
  const entry = (n: number, status = 200) => ({ atMs: n, method: 'GET', url: `/r/${n}`, status });

  it('keeps the most recent entries, oldest first, and totals every one', () => {
    const log = new RequestLog(3);
    for (let n = 1; n <= 5; n++) log.record(entry(n, n === 5 ? 429 : 200));
    assert.deepEqual(
      log.recent().map((e) => e.atMs),
      [3, 4, 5],
    );
    assert.deepEqual(log.totals, { requests: 5, byStatus: { 200: 4, 429: 1 } });
    log.clear();
    assert.deepEqual([log.recent(), log.totals.requests], [[], 0]);
  });
});
