import assert from 'node:assert/strict';
import { parseCommand } from './command-text';

describe('parseCommand', () => {
  it('reads every command whatever its case, spacing and trailing punctuation', () => {
    const cases: [string, string][] = [
      ['help', 'help'],
      ['HELP', 'help'],
      ['?', 'help'],
      ['Hi!', 'help'],
      ['connect', 'connect'],
      ['  Status?  ', 'status'],
      ['backup now', 'backup.start'],
      ['Backup   NOW.', 'backup.start'],
      ['backup', 'backup.start'],
      ['cancel', 'backup.cancel'],
      ['History', 'history'],
      ['schedule', 'schedule'],
      ['subscribe', 'subscribe'],
      ['UNSUBSCRIBE', 'unsubscribe'],
      ['admins', 'admins'],
      ['/status', 'status'],
    ];
    for (const [text, name] of cases) assert.equal(parseCommand(text).name, name, text);
  });

  it('keeps the person named after "admins add" and "admins remove", as typed', () => {
    assert.deepEqual(parseCommand('Admins add Megan@Contoso.com'), {
      name: 'admins.add',
      user: 'Megan@Contoso.com',
    });
    assert.deepEqual(parseCommand('admin remove 5f6a1d0e-0000-4000-8000-000000000002'), {
      name: 'admins.remove',
      user: '5f6a1d0e-0000-4000-8000-000000000002',
    });
    assert.deepEqual(parseCommand('admins add'), { name: 'admins.add', user: '' });
  });

  it('drops leftover mention tags and non-breaking spaces from channel messages', () => {
    assert.equal(parseCommand('<at>ChatVault</at>&nbsp;status').name, 'status');
  });

  it('answers unknown to anything else, to nothing, and to a pasted wall of text', () => {
    for (const text of ['backup everything please', 'delete all', '', undefined, 'x'.repeat(500), 'statuses'])
      assert.equal(parseCommand(text).name, 'unknown', String(text).slice(0, 20));
  });
});
