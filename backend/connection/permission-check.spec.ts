import assert from 'node:assert/strict';
import { checkPermissions } from './permission-check';

describe('checkPermissions', () => {
  it('passes Chat.Read.All or Chat.ReadWrite.All with a way to list users', () => {
    assert.ok(checkPermissions(['Chat.Read.All', 'User.Read.All']).ok);
    assert.ok(checkPermissions(['Chat.ReadWrite.All', 'Directory.Read.All']).ok);
  });

  it('reads a token without roles as consent not granted', () => {
    assert.deepEqual(checkPermissions(undefined), { ok: false, reason: 'consent_missing', granted: [] });
    assert.deepEqual(checkPermissions([]), { ok: false, reason: 'consent_missing', granted: [] });
  });

  it("names User.Read.All for the guide's two Chat permissions alone", () => {
    const verdict = checkPermissions(['Chat.Read.All', 'Chat.ReadWrite.All']);
    assert.ok(!verdict.ok && verdict.reason === 'permission_missing');
    assert.deepEqual(verdict.missing, ['User.Read.All']);
  });

  it('names Chat.Read.All when only Chat.ReadBasic.All is granted', () => {
    const verdict = checkPermissions(['Chat.ReadBasic.All', 'User.Read.All']);
    assert.ok(!verdict.ok && verdict.reason === 'permission_missing');
    assert.deepEqual(verdict.missing, ['Chat.Read.All']);
  });
});
