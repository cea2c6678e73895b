import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../test/support/manual-clock';
import { CardActionTokens } from './card-action-token';

const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const CHAT = 'a:1personal-chat';
const CHANNEL = '19:abc@thread.tacv2';

describe('CardActionTokens', () => {
  let clock: ManualClock;
  let tokens: CardActionTokens;
  beforeEach(() => {
    clock = new ManualClock('2026-05-01T10:00:00Z');
    tokens = new CardActionTokens(randomBytes(32), clock);
  });

  it('accepts its own button in the tenant and conversation it was made for, with its arguments', async () => {
    const token = await tokens.sign(A, CHAT, 'backup.cancel', { runId: 'run-1' });
    const check = await tokens.verify(A, CHAT, 'backup.cancel', token);
    assert.ok(check.ok);
    assert.deepEqual(
      { verb: check.action.verb, args: check.action.args },
      { verb: 'backup.cancel', args: { runId: 'run-1' } },
    );
  });

  it('carries no tenant in what it puts on the card', async () => {
    const token = await tokens.sign(A, CHAT, 'status');
    const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    assert.ok(!payload.includes(A) && !payload.includes(CHAT), payload);
  });

  it('refuses a card of another tenant, a tampered argument and a made-up token as forged', async () => {
    const token = await tokens.sign(A, CHAT, 'backup.cancel', { runId: 'run-1' });
    assert.deepEqual(await tokens.verify(B, CHAT, 'backup.cancel', token), { ok: false, reason: 'forged' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.a.runId = 'run-2';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    assert.deepEqual(await tokens.verify(A, CHAT, 'backup.cancel', tampered), {
      ok: false,
      reason: 'forged',
    });
    const other = new CardActionTokens(randomBytes(32), clock);
    assert.deepEqual(await tokens.verify(A, CHAT, 'status', await other.sign(A, CHAT, 'status')), {
      ok: false,
      reason: 'forged',
    });
    for (const junk of [undefined, 42, '', 'abc', 'a.b.c', 'x'.repeat(5000)])
      assert.deepEqual(await tokens.verify(A, CHAT, 'status', junk), { ok: false, reason: 'forged' });
  });

  it('refuses a token under another verb, or in another conversation', async () => {
    const status = await tokens.sign(A, CHAT, 'status');
    assert.deepEqual(await tokens.verify(A, CHAT, 'backup.start', status), {
      ok: false,
      reason: 'verb_mismatch',
    });
    assert.deepEqual(await tokens.verify(A, 'a:1another-chat', 'status', status), {
      ok: false,
      reason: 'wrong_conversation',
    });
  });

  it('takes a channel card pressed from inside a thread of that channel as the same conversation', async () => {
    const token = await tokens.sign(A, CHANNEL, 'status');
    assert.ok((await tokens.verify(A, `${CHANNEL};messageid=1714557600000`, 'status', token)).ok);
  });

  it('lets a changing button work once, a viewing button any number of times', async () => {
    const start = await tokens.sign(A, CHAT, 'backup.start');
    const first = await tokens.verify(A, CHAT, 'backup.start', start);
    assert.ok(first.ok && tokens.spend(first.action));
    assert.deepEqual(await tokens.verify(A, CHAT, 'backup.start', start), { ok: false, reason: 'used' });
    assert.equal(tokens.spend(first.action), false, 'a second press racing the first loses');
    const status = await tokens.sign(A, CHAT, 'status');
    for (let i = 0; i < 3; i++) {
      const check = await tokens.verify(A, CHAT, 'status', status);
      assert.ok(check.ok && tokens.spend(check.action));
    }
  });

  it('expires changing buttons after a week and viewing buttons after 90 days', async () => {
    const start = await tokens.sign(A, CHAT, 'backup.start');
    const status = await tokens.sign(A, CHAT, 'status');
    clock.advance(7 * 86_400_000 + 1000);
    assert.deepEqual(await tokens.verify(A, CHAT, 'backup.start', start), { ok: false, reason: 'expired' });
    assert.ok((await tokens.verify(A, CHAT, 'status', status)).ok);
    clock.advance(83 * 86_400_000);
    assert.deepEqual(await tokens.verify(A, CHAT, 'status', status), { ok: false, reason: 'expired' });
  });

  it('forgets spent buttons beyond its memory, oldest first', async () => {
    const small = new CardActionTokens(randomBytes(32), clock, { rememberUsed: 2 });
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await small.sign(A, CHAT, 'backup.start'));
    for (const token of made) {
      const check = await small.verify(A, CHAT, 'backup.start', token);
      assert.ok(check.ok && small.spend(check.action));
    }
    assert.ok((await small.verify(A, CHAT, 'backup.start', made[0])).ok, 'the oldest is forgotten');
    assert.deepEqual(await small.verify(A, CHAT, 'backup.start', made[2]), { ok: false, reason: 'used' });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    assert.throws(() => new CardActionTokens(randomBytes(16), clock), /32 bytes/);
  });
});
