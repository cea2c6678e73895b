import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outcomeTable } from '../../backend/connection/outcomes';

/** docs/connection.md's outcomes table must list every code with the step the code gives. */
describe('docs/connection.md', () => {
  it('lists every outcome with its guide step', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'connection.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Outcomes'), doc.indexOf('### Finding'));
    const rows = new Map<string, string>();
    for (const line of section.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const code = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
      if (code) rows.set(code, cells[3]!);
    }
    for (const { code, step } of outcomeTable()) {
      assert.ok(rows.has(code), `${code} is missing from the table`);
      assert.equal(rows.get(code), step ?? '—', `the step of ${code}`);
    }
    assert.equal(rows.size, outcomeTable().length);
  });
});
