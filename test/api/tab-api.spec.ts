import assert from 'node:assert/strict';
import { graphDemoUsers, simulatorDemoSignIn } from '../../backend/api/demo-sign-in';
import { SsoTokenVerifier } from '../../backend/api/sso-token-verifier';
import type { RunRecord } from '../../backend/store/backup-records';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  addPerson,
  AUDIENCE,
  eventually,
  startTabApi,
  userToken,
  type ApiAnswer,
  type SimPerson,
  type TabApiHarness,
} from './support/tab-api-harness';

interface ErrorBody {
  error: { code: string; message: string; field?: string; reason?: string };
}

/** `METHOD /path/{param}` of every operation of an OpenAPI document's paths. */
const operationsOf = (paths: Record<string, Record<string, unknown>>) =>
  Object.entries(paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

const errorOf = (answer: ApiAnswer) => (answer.body as ErrorBody).error;
const bodyOf = <T>(answer: ApiAnswer) => answer.body as T;

function expectError(
  answer: ApiAnswer,
  status: number,
  code: string,
  extra: { field?: string; reason?: string } = {},
) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  const error = errorOf(answer);
  assert.equal(error.code, code);
  if (extra.field !== undefined) assert.equal(error.field, extra.field, error.message);
  if (extra.reason !== undefined) assert.equal(error.reason, extra.reason);
  assert.ok(error.message.length > 10, 'a sentence a person can act on');
}

describe('tab API against the tenant simulator', function () {
  this.timeout(120_000);
  let sim: SimulatorHandle;
  let contoso: string;
  let fabrikam: string;
  let ada: SimPerson;
  let bob: SimPerson;
  let cy: SimPerson;
  let fay: SimPerson;

  before(async () => {
    sim = await startTestSimulator();
    contoso = sim.tenants[0]!.id;
    fabrikam = sim.tenants[1]!.id;
    ada = await addPerson(sim, contoso, 'Ada Admin', 'ada');
    bob = await addPerson(sim, contoso, 'Bob Builder', 'bob');
    cy = await addPerson(sim, contoso, 'Cy Second', 'cy');
    fay = await addPerson(sim, fabrikam, 'Fay Fabrikam', 'fay');
  });
  after(async () => {
    await sim?.close();
  });

  describe('one tenant, from first sign-in to backups and admins', () => {
    let api: TabApiHarness;
    let adaToken: string;
    let bobToken: string;
    let fayToken: string;
    let firstRunId: string;

    before(async () => {
      api = await startTabApi(sim);
      [adaToken, bobToken, fayToken] = await Promise.all([
        userToken(sim, ada),
        userToken(sim, bob),
        userToken(sim, fay),
      ]);
    });
    after(async () => {
      await api?.close();
    });

    it('answers 401 to no token, a malformed, forged, expired, wrong-audience or app-only token, and nothing else', async () => {
      const me = (token?: string, headers?: Record<string, string>) =>
        api.call('GET', '/api/v1/me', {
          ...(token !== undefined ? { token } : {}),
          ...(headers ? { headers } : {}),
        });

      const missing = await me();
      expectError(missing, 401, 'unauthenticated', { reason: 'missing_token' });
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
      expectError(await me(undefined, { authorization: 'Basic YWRhOnNlY3JldA==' }), 401, 'unauthenticated', {
        reason: 'invalid_token',
      });
      expectError(await me('not-a-jwt'), 401, 'unauthenticated', { reason: 'invalid_token' });
      const forged = await me(await userToken(sim, ada, { signedBy: 'foreign' }));
      expectError(forged, 401, 'unauthenticated', { reason: 'invalid_token' });
      assert.match(forged.headers.get('www-authenticate') ?? '', /invalid_token/);
      expectError(await me(await userToken(sim, ada, { expired: true })), 401, 'unauthenticated', {
        reason: 'expired_token',
      });
      const otherApp = await me(await userToken(sim, ada, { audience: 'api://elsewhere.example/botid-1' }));
      expectError(otherApp, 401, 'unauthenticated', { reason: 'invalid_token' });
      assert.match(errorOf(otherApp).message, /another app/);
      const noScope = await me(await userToken(sim, ada, { scopes: ['User.Read'] }));
      expectError(noScope, 401, 'unauthenticated', { reason: 'invalid_token' });

      // A client-credentials token of the tenant's own app is a real, signed token: still not a person.
      const app = sim.demoApp('ok', contoso);
      const form = new URLSearchParams({
        client_id: app.appId,
        client_secret: app.secret,
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      });
      const appToken = (await (
        await fetch(`${sim.authorityHost}/${contoso}/oauth2/v2.0/token`, { method: 'POST', body: form })
      ).json()) as { access_token: string };
      expectError(await me(appToken.access_token), 401, 'unauthenticated');

      // Refused before anything else: an unauthenticated request learns nothing of the route's input rules.
      expectError(
        await api.call('POST', '/api/v1/connection', { body: { nonsense: true } }),
        401,
        'unauthenticated',
      );
    });

    it('tells a person who they are, and shows the setup page to anyone while the tenant has no admin', async () => {
      const me = await api.call('GET', '/api/v1/me', { token: bobToken });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, {
        tenantId: contoso,
        userId: bob.id,
        displayName: 'Bob Builder',
        userPrincipalName: bob.upn,
        isAdmin: false,
        tenantHasAdmins: false,
      });
      const view = await api.call('GET', '/api/v1/connection', { token: bobToken });
      assert.equal(view.status, 200);
      const body = bodyOf<{
        status: string;
        tenant: { id: string; domain: string };
        portal: { newRegistration: string };
      }>(view);
      assert.equal(body.status, 'inactive');
      assert.deepEqual(body.tenant, { id: contoso, domain: sim.tenants[0]!.domain });
      assert.match(body.portal.newRegistration, /^https:\/\/portal\.azure\.com\//);
    });

    it('reports consent_missing and secret_id_pasted with their guide steps, saving nothing and making no admin', async () => {
      const consent = sim.demoApp('consent_missing', contoso);
      const missing = await api.call('POST', '/api/v1/connection', {
        token: bobToken,
        body: { appId: consent.appId, secret: consent.secret },
      });
      assert.equal(missing.status, 200);
      const report = bodyOf<{
        ok: boolean;
        code: string;
        step: string;
        saved: boolean;
        becameAdmin: boolean;
        status: { status: string };
      }>(missing);
      assert.deepEqual(
        [report.ok, report.code, report.step, report.saved, report.becameAdmin, report.status.status],
        [false, 'consent_missing', 'setup-12', false, false, 'inactive'],
      );

      const pasted = sim.demoApp('wrong_secret', contoso);
      const idPasted = await api.call('POST', '/api/v1/connection', {
        token: bobToken,
        body: { appId: pasted.appId, secret: pasted.secret },
      });
      const second = bodyOf<{
        ok: boolean;
        code: string;
        step: string;
        fields: { field: string; code: string }[];
      }>(idPasted);
      assert.equal(second.ok, false);
      assert.equal(second.code, 'secret_id_pasted');
      assert.equal(second.step, 'setup-5-7');
      assert.deepEqual(
        second.fields.map((f) => [f.field, f.code]),
        [['secret', 'secret_id_pasted']],
      );
      assert.equal(
        bodyOf<{ tenantHasAdmins: boolean }>(await api.call('GET', '/api/v1/me', { token: bobToken }))
          .tenantHasAdmins,
        false,
      );
    });

    it('saves a working connection, makes its author the first admin, and never echoes the secret', async () => {
      const ok = sim.demoApp('ok', contoso);
      const answer = await api.call('POST', '/api/v1/connection', {
        token: adaToken,
        body: { appId: ok.appId, secret: ok.secret },
      });
      assert.equal(answer.status, 200);
      const report = bodyOf<{
        ok: boolean;
        code: string;
        becameAdmin: boolean;
        status: { status: string; appId: string; secretHint: string };
      }>(answer);
      assert.deepEqual([report.ok, report.code, report.becameAdmin], [true, 'active', true]);
      assert.equal(report.status.status, 'active');
      assert.equal(report.status.appId, ok.appId);
      assert.equal(report.status.secretHint, ok.secret.slice(0, 3));
      assert.ok(!JSON.stringify(answer.body).includes(ok.secret));
      const me = bodyOf<{ isAdmin: boolean }>(await api.call('GET', '/api/v1/me', { token: adaToken }));
      assert.equal(me.isAdmin, true);
      const audit = bodyOf<{ items: { action: string; actor: { id?: string } }[] }>(
        await api.call('GET', '/api/v1/audit', { token: adaToken }),
      );
      assert.deepEqual(
        audit.items.slice(0, 2).map((e) => [e.action, e.actor.id]),
        [
          ['admin_added', ada.id],
          ['connected', ada.id],
        ],
      );
    });

    it('refuses a signed-in person who is not an admin with 403, once the tenant has one', async () => {
      const me = bodyOf<{ isAdmin: boolean; tenantHasAdmins: boolean }>(
        await api.call('GET', '/api/v1/me', { token: bobToken }),
      );
      assert.deepEqual(me, { ...me, isAdmin: false, tenantHasAdmins: true });
      const ok = sim.demoApp('ok', contoso);
      for (const [method, path, body] of [
        ['GET', '/api/v1/connection'],
        ['POST', '/api/v1/connection', { appId: ok.appId, secret: ok.secret }],
        ['DELETE', '/api/v1/connection'],
        ['GET', '/api/v1/backup/status'],
        ['POST', '/api/v1/backup/runs', {}],
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/admins', { user: bob.upn }],
        ['GET', '/api/v1/audit'],
      ] as const) {
        expectError(
          await api.call(method, path, { token: bobToken, ...(body ? { body } : {}) }),
          403,
          'not_admin',
        );
      }
      assert.equal((await api.connections.status(contoso)).connection?.appId, ok.appId, 'nothing changed');
    });

    it('refuses malformed bodies and parameters with 400 naming the field, unknown ones included', async () => {
      const cases: [string, string, { body?: unknown; raw?: string; contentType?: string }, string][] = [
        ['POST', '/api/v1/connection', { body: { appId: 5, secret: 'x' } }, 'appId'],
        ['POST', '/api/v1/connection', { body: { appId: 'x' } }, 'secret'],
        ['POST', '/api/v1/connection', { body: { appId: 'x', secret: 'y', tenantId: fabrikam } }, 'tenantId'],
        ['POST', '/api/v1/connection', { body: { appId: 'x', secret: 'y'.repeat(2000) } }, 'secret'],
        ['POST', '/api/v1/connection', { body: [1, 2] }, 'body'],
        ['POST', '/api/v1/connection', { raw: '{"appId": ' }, 'body'],
        ['POST', '/api/v1/backup/runs', { body: { mode: 'weekly' } }, 'mode'],
        [
          'PUT',
          '/api/v1/backup/schedule',
          { body: { incrementalEveryMinutes: 1 } },
          'incrementalEveryMinutes',
        ],
        ['PUT', '/api/v1/backup/schedule', { body: { fullEveryDays: 1.5 } }, 'fullEveryDays'],
        ['PUT', '/api/v1/backup/schedule', { body: {} }, 'body'],
        ['POST', '/api/v1/admins', { body: {} }, 'user'],
        ['POST', '/api/v1/admins', { body: { user: 'nobody@nowhere.example' } }, 'user'],
        ['POST', '/api/v1/backup/cancel', { body: { now: true } }, 'now'],
        ['DELETE', '/api/v1/connection', { body: { really: true } }, 'body'],
        ['GET', '/api/v1/users?sort=age', {}, 'sort'],
        ['GET', '/api/v1/users?limit=0', {}, 'limit'],
        ['GET', '/api/v1/users?cursor=bm9wZQ', {}, 'cursor'],
        ['GET', '/api/v1/backup/runs?page=2', {}, 'page'],
        ['GET', '/api/v1/backup/runs?cursor=bm9wZQ', {}, 'cursor'],
        ['GET', '/api/v1/audit?limit=abc', {}, 'limit'],
      ];
      for (const [method, path, options, field] of cases) {
        const answer = await api.call(method, path, { token: adaToken, ...options });
        expectError(answer, 400, 'invalid_input', { field });
      }
      expectError(
        await api.call('POST', '/api/v1/backup/runs', {
          token: adaToken,
          raw: 'mode=full',
          contentType: 'text/plain',
        }),
        415,
        'unsupported_media_type',
      );
      expectError(await api.call('GET', '/api/v1/no-such-route', { token: adaToken }), 404, 'not_found');
      // Nothing of a refused body reached the services.
      assert.equal((await api.backup.status(contoso)).active, undefined);
    });

    it('backs up on demand: the status shows the run under way, a second start is a conflict, then it finishes', async () => {
      api.gate.close();
      const started = await api.call('POST', '/api/v1/backup/runs', { token: adaToken, body: {} });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const { runId, mode } = bodyOf<{ runId: string; mode: string }>(started);
      firstRunId = runId;
      assert.equal(mode, 'full', 'the first run of a tenant is full');

      const during = bodyOf<{ active?: { run: RunRecord; mode: string }; schedule: { enabled: boolean } }>(
        await api.call('GET', '/api/v1/backup/status', { token: adaToken }),
      );
      assert.equal(during.active?.run.runId, runId);
      assert.equal(during.active?.run.status, 'running');
      assert.deepEqual(during.active?.run.trigger, {
        kind: 'manual',
        by: { userId: ada.id, displayName: 'Ada Admin' },
      });
      assert.equal(during.schedule.enabled, true);
      expectError(
        await api.call('POST', '/api/v1/backup/runs', { token: adaToken, body: { mode: 'full' } }),
        409,
        'conflict',
        {
          reason: 'run_in_progress',
        },
      );

      api.gate.release();
      const after = await eventually(
        'the run to finish',
        async () =>
          bodyOf<{ active?: unknown; last?: RunRecord }>(
            await api.call('GET', '/api/v1/backup/status', { token: adaToken }),
          ),
        (s) => s.active === undefined && s.last?.runId === runId,
      );
      assert.equal(after.last?.status, 'finished');
      assert.ok(['succeeded', 'partial'].includes(after.last?.outcome ?? ''), after.last?.outcome);
      assert.ok((after.last?.counters.messagesNew ?? 0) > 0);

      const run = bodyOf<RunRecord>(
        await api.call('GET', `/api/v1/backup/runs/${runId}`, { token: adaToken }),
      );
      assert.equal(run.finishedAt, after.last?.finishedAt);
      const runs = bodyOf<{ items: RunRecord[] }>(
        await api.call('GET', '/api/v1/backup/runs?limit=5', { token: adaToken }),
      );
      assert.deepEqual(
        runs.items.map((r) => r.runId),
        [runId],
      );
      expectError(
        await api.call('POST', '/api/v1/backup/cancel', { token: adaToken, body: {} }),
        409,
        'conflict',
        {
          reason: 'no_active_run',
        },
      );
      const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
        await api.call('GET', '/api/v1/audit?limit=1', { token: adaToken }),
      );
      assert.deepEqual(
        audit.items.map((e) => [e.action, e.subject]),
        [['backup_started', runId]],
      );
    });

    it('cancels the run under way on request, and audits it', async () => {
      api.gate.close();
      const { runId } = bodyOf<{ runId: string }>(
        await api.call('POST', '/api/v1/backup/runs', { token: adaToken, body: { mode: 'full' } }),
      );
      const cancelled = await api.call('POST', '/api/v1/backup/cancel', { token: adaToken });
      assert.equal(cancelled.status, 202);
      assert.deepEqual(cancelled.body, { runId, cancelRequested: true });
      api.gate.release();
      const run = await eventually(
        'the cancelled run to finish',
        async () =>
          bodyOf<RunRecord>(await api.call('GET', `/api/v1/backup/runs/${runId}`, { token: adaToken })),
        (r) => r.status === 'finished',
      );
      assert.ok(run.cancelRequestedAt);
      const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
        await api.call('GET', '/api/v1/audit?limit=1', { token: adaToken }),
      );
      assert.deepEqual(
        audit.items.map((e) => [e.action, e.subject]),
        [['backup_cancelled', runId]],
      );
    });

    it('changes the schedule, audited', async () => {
      const answer = await api.call('PUT', '/api/v1/backup/schedule', {
        token: adaToken,
        body: { incrementalEveryMinutes: 30, enabled: true },
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(bodyOf<{ schedule: unknown }>(answer).schedule, {
        enabled: true,
        incrementalEveryMinutes: 30,
        fullEveryDays: 7,
      });
      expectError(
        await api.call('PUT', '/api/v1/backup/schedule', {
          token: adaToken,
          body: { incrementalEveryMinutes: 2 * 1440 + 60, fullEveryDays: 2 },
        }),
        400,
        'invalid_input',
        { field: 'fullEveryDays' },
      );
      const got = bodyOf<{ schedule: { incrementalEveryMinutes: number } }>(
        await api.call('GET', '/api/v1/backup/schedule', { token: adaToken }),
      );
      assert.equal(got.schedule.incrementalEveryMinutes, 30, 'the refused change changed nothing');
      const audit = bodyOf<{ items: { action: string; details?: Record<string, unknown> }[] }>(
        await api.call('GET', '/api/v1/audit?limit=1', { token: adaToken }),
      );
      assert.equal(audit.items[0]?.action, 'schedule_changed');
      assert.equal(audit.items[0]?.details?.incrementalEveryMinutes, 30);
    });

    it('lists every backed-up user with counts, sorted, filtered and paged by cursor', async () => {
      interface Row {
        userId: string;
        displayName: string;
        userPrincipalName: string;
        chats: number;
        messages: number;
        lastBackedUpAt: string | null;
        problems: { code: string }[];
        state: string;
      }
      const get = async (query: string) =>
        bodyOf<{ items: Row[]; total: number; cursor?: string }>(
          await api.call('GET', `/api/v1/users${query}`, { token: adaToken }),
        );
      const all = await get('?limit=200');
      const stored = await api.backupStore.listUsers(contoso, { limit: 1000 });
      assert.equal(all.total, stored.items.length);
      assert.deepEqual(all.items.map((r) => r.userId).sort(), stored.items.map((u) => u.userId).sort());

      const byMessages = await get('?sort=messages&order=desc&limit=200');
      const counts = byMessages.items.map((r) => r.messages);
      assert.deepEqual(
        counts,
        [...counts].sort((a, b) => b - a),
      );
      const busiest = byMessages.items[0]!;
      assert.ok(busiest.messages > 0 && busiest.chats > 0);
      const theirChats = await api.backupStore.listChats(contoso, {
        memberUserId: busiest.userId,
        limit: 1000,
      });
      assert.equal(busiest.chats, theirChats.items.length, 'chats counted from members agree with the store');

      const names = (await get('?sort=displayName&limit=200')).items.map((r) => r.displayName);
      assert.deepEqual(
        names,
        [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
      );

      const adaRows = await get('?filter=ADA%20ADM');
      assert.deepEqual(
        adaRows.items.map((r) => r.userId),
        [ada.id],
      );
      assert.ok(adaRows.items[0]!.lastBackedUpAt, 'backed up by the run');

      const problems = await get('?state=problems&limit=200');
      assert.ok(problems.total > 0, 'the seeded tenant has an unlicensed and a disabled user');
      assert.ok(problems.items.every((r) => r.problems.length > 0));
      assert.ok(
        problems.items.some((r) => r.problems.some((p) => p.code === 'disabled' || p.code === 'unlicensed')),
      );

      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await get(`?sort=chats&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(page.items.length <= 2);
        paged.push(...page.items.map((r) => r.userId));
        cursor = page.cursor;
        if (cursor) {
          expectError(
            await api.call('GET', `/api/v1/users?sort=messages&limit=2&cursor=${cursor}`, {
              token: adaToken,
            }),
            400,
            'invalid_input',
            { field: 'cursor' },
          );
        }
      } while (cursor);
      assert.deepEqual(
        paged,
        (await get('?sort=chats&order=desc&limit=200')).items.map((r) => r.userId),
      );
    });

    it('adds and removes admins, never the last one, all audited', async () => {
      const added = await api.call('POST', '/api/v1/admins', {
        token: adaToken,
        body: { user: cy.upn.toUpperCase() },
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(bodyOf<{ userId: string; via: string }>(added).userId, cy.id);
      const list = bodyOf<{ items: { userId: string; via: string }[] }>(
        await api.call('GET', '/api/v1/admins', { token: adaToken }),
      );
      assert.deepEqual(
        list.items.map((a) => [a.userId, a.via]).sort(),
        [
          [ada.id, 'first-connect'],
          [cy.id, 'added'],
        ].sort(),
      );

      const cyToken = await userToken(sim, cy);
      assert.equal(
        (await api.call('GET', '/api/v1/users', { token: cyToken })).status,
        200,
        'the new admin is one',
      );
      assert.equal((await api.call('DELETE', `/api/v1/admins/${cy.id}`, { token: adaToken })).status, 200);
      expectError(await api.call('DELETE', `/api/v1/admins/${cy.id}`, { token: adaToken }), 404, 'not_found');
      expectError(await api.call('GET', '/api/v1/users', { token: cyToken }), 403, 'not_admin');
      expectError(
        await api.call('DELETE', `/api/v1/admins/${ada.id}`, { token: adaToken }),
        409,
        'conflict',
        {
          reason: 'last_admin',
        },
      );
      const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
        await api.call('GET', '/api/v1/audit?limit=2', { token: adaToken }),
      );
      assert.deepEqual(
        audit.items.map((e) => [e.action, e.subject]),
        [
          ['admin_removed', cy.id],
          ['admin_added', cy.id],
        ],
      );
    });

    it('shows and changes the backup scope: admins only, unknown people named, stale saves refused, audited', async () => {
      interface ScopeBody {
        mode: string;
        users: { id: string; userPrincipalName: string }[];
        version: number;
        summary: string;
        rule: string;
        changed?: boolean;
      }
      const first = await api.call('GET', '/api/v1/scope', { token: adaToken });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const initial = bodyOf<ScopeBody>(first);
      assert.equal(initial.mode, 'all');
      assert.deepEqual(initial.users, []);
      assert.match(initial.summary, /^Backing up/);
      assert.match(initial.rule, /at least one of its members is in scope/);

      expectError(await api.call('GET', '/api/v1/scope', { token: bobToken }), 403, 'not_admin');
      expectError(
        await api.call('PUT', '/api/v1/scope', { token: bobToken, body: { mode: 'only', users: [bob.upn] } }),
        403,
        'not_admin',
      );
      expectError(
        await api.call('PUT', '/api/v1/scope', { token: adaToken, body: { mode: 'some', users: [] } }),
        400,
        'invalid_input',
        { field: 'mode' },
      );

      const unknown = await api.call('PUT', '/api/v1/scope', {
        token: adaToken,
        body: { mode: 'only', users: [bob.upn, `ghost@${sim.tenants[0]!.domain}`, fay.upn] },
      });
      expectError(unknown, 400, 'invalid_input', { field: 'users' });
      assert.deepEqual(
        (unknown.body as { error: { entries?: string[] } }).error.entries?.sort(),
        [`ghost@${sim.tenants[0]!.domain}`, fay.upn].sort(),
        "the entries the tenant's directory does not know, another tenant's person included",
      );

      const saved = await api.call('PUT', '/api/v1/scope', {
        token: adaToken,
        body: { mode: 'only', users: [bob.upn.toUpperCase()], expectedVersion: initial.version },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const now = bodyOf<ScopeBody>(saved);
      assert.equal(now.changed, true);
      assert.equal(now.mode, 'only');
      assert.deepEqual(
        now.users.map((u) => u.id),
        [bob.id],
      );
      assert.notEqual(now.version, initial.version);

      expectError(
        await api.call('PUT', '/api/v1/scope', {
          token: adaToken,
          body: { mode: 'all', users: [], expectedVersion: initial.version },
        }),
        409,
        'conflict',
        { reason: 'scope_changed' },
      );
      const got = bodyOf<ScopeBody>(await api.call('GET', '/api/v1/scope', { token: adaToken }));
      assert.equal(got.mode, 'only', 'the stale save changed nothing');
      assert.equal(got.version, now.version);

      const audit = bodyOf<{ items: { action: string; subject?: string; actor: { id?: string } }[] }>(
        await api.call('GET', '/api/v1/audit?limit=1', { token: adaToken }),
      );
      assert.equal(audit.items[0]?.action, 'scope_changed');
      assert.equal(audit.items[0]?.subject, 'only');
      assert.equal(audit.items[0]?.actor.id, ada.id);

      // Back to everyone, so the tests after this one back the whole tenant up.
      assert.equal(
        (await api.call('PUT', '/api/v1/scope', { token: adaToken, body: { mode: 'all' } })).status,
        200,
      );
    });

    it('shows notification targets without their conversation reference, and unsubscribes one', async () => {
      const actor = { kind: 'user' as const, id: ada.id };
      await api.notifications.subscribe(contoso, actor, {
        targetId: 'conv-ops',
        kind: 'channel',
        label: 'Ops > Backups',
        conversation: { conversation: { id: '19:ops@thread.tacv2' }, serviceUrl: 'https://smba.example/' },
      });
      const targets = bodyOf<{ items: Record<string, unknown>[] }>(
        await api.call('GET', '/api/v1/notifications/targets', { token: adaToken }),
      );
      assert.deepEqual(
        targets.items.map((t) => [t.targetId, t.kind, t.label, 'conversation' in t]),
        [['conv-ops', 'channel', 'Ops > Backups', false]],
      );
      assert.equal(
        (await api.call('DELETE', '/api/v1/notifications/targets/conv-ops', { token: adaToken })).status,
        200,
      );
      expectError(
        await api.call('DELETE', '/api/v1/notifications/targets/conv-ops', { token: adaToken }),
        404,
        'not_found',
      );
      const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
        await api.call('GET', '/api/v1/audit?limit=1', { token: adaToken }),
      );
      assert.deepEqual(
        audit.items.map((e) => [e.action, e.subject]),
        [['unsubscribed', 'conv-ops']],
      );
    });

    it("shows a person of another tenant nothing of this one: their own tenant only, and 404 for this tenant's things", async () => {
      await api.notifications.subscribe(
        contoso,
        { kind: 'user', id: ada.id },
        {
          targetId: 'conv-contoso',
          kind: 'personal',
          label: 'Ada',
          conversation: { id: 'a' },
        },
      );
      // Fay becomes the first admin of her own tenant by connecting its working app.
      const ok = sim.demoApp('ok', fabrikam);
      const connect = await api.call('POST', '/api/v1/connection', {
        token: fayToken,
        body: { appId: ok.appId, secret: ok.secret },
      });
      assert.equal(bodyOf<{ becameAdmin: boolean }>(connect).becameAdmin, true);

      const view = bodyOf<{ tenantId: string; appId: string }>(
        await api.call('GET', '/api/v1/connection', { token: fayToken }),
      );
      assert.deepEqual([view.tenantId, view.appId], [fabrikam, ok.appId]);
      expectError(
        await api.call('GET', `/api/v1/backup/runs/${firstRunId}`, { token: fayToken }),
        404,
        'not_found',
      );
      expectError(
        await api.call('DELETE', `/api/v1/admins/${ada.id}`, { token: fayToken }),
        404,
        'not_found',
      );
      expectError(
        await api.call('DELETE', '/api/v1/notifications/targets/conv-contoso', { token: fayToken }),
        404,
        'not_found',
      );
      expectError(
        await api.call('POST', '/api/v1/admins', { token: fayToken, body: { user: bob.upn } }),
        400,
        'invalid_input',
        {
          field: 'user',
        },
      );
      assert.deepEqual(
        bodyOf<{ items: unknown[] }>(await api.call('GET', '/api/v1/backup/runs', { token: fayToken })).items,
        [],
      );
      assert.equal(
        bodyOf<{ total: number }>(await api.call('GET', '/api/v1/users', { token: fayToken })).total,
        0,
      );
      assert.deepEqual(
        bodyOf<{ items: unknown[] }>(
          await api.call('GET', '/api/v1/notifications/targets', { token: fayToken }),
        ).items,
        [],
      );
      const audit = JSON.stringify(
        (await api.call('GET', '/api/v1/audit?limit=200', { token: fayToken })).body,
      );
      assert.ok(!audit.includes(ada.id) && !audit.includes(firstRunId), 'no entry of the other tenant');
      const admins = JSON.stringify((await api.call('GET', '/api/v1/admins', { token: fayToken })).body);
      assert.ok(!admins.includes(ada.id));
      // And this tenant is as it was.
      assert.equal(await api.admins.isAdmin(contoso, ada.id), true);
      assert.equal((await api.notifications.list(contoso)).length, 1);
    });

    it('re-tests and removes the saved connection; then there is nothing to test or back up', async () => {
      const retest = await api.call('POST', '/api/v1/connection/test', { token: adaToken });
      assert.equal(retest.status, 200);
      assert.equal(bodyOf<{ code: string }>(retest).code, 'active');
      const removed = await api.call('DELETE', '/api/v1/connection', { token: adaToken });
      assert.equal(removed.status, 200);
      assert.equal(bodyOf<{ status: { status: string } }>(removed).status.status, 'inactive');
      expectError(await api.call('DELETE', '/api/v1/connection', { token: adaToken }), 404, 'not_found');
      expectError(await api.call('POST', '/api/v1/connection/test', { token: adaToken }), 409, 'conflict', {
        reason: 'not_connected',
      });
      expectError(
        await api.call('POST', '/api/v1/backup/runs', { token: adaToken, body: {} }),
        409,
        'conflict',
        {
          reason: 'not_connected',
        },
      );
      const actions = bodyOf<{ items: { action: string }[] }>(
        await api.call('GET', '/api/v1/audit?limit=2', { token: adaToken }),
      ).items.map((e) => e.action);
      assert.deepEqual(actions, ['removed', 'retested']);
    });
  });

  describe('issuer, demo sign-in and request budgets', () => {
    it('refuses a token whose issuer is not the configured authority, though its signature checks out', async () => {
      // The same simulator, named `localhost`: its keys verify the token, its issuer does not match.
      const verifier = new SsoTokenVerifier({
        authorityHost: sim.authorityHost.replace('127.0.0.1', 'localhost'),
        audiences: [AUDIENCE],
      });
      const api = await startTabApi(sim, { verifier });
      try {
        const answer = await api.call('GET', '/api/v1/me', { token: await userToken(sim, ada) });
        expectError(answer, 401, 'unauthenticated', { reason: 'invalid_token' });
        assert.match(errorOf(answer).message, /not issued by your tenant/);
      } finally {
        await api.close();
      }
    });

    it('offers demo users and their simulator-signed tokens only when built with a demo sign-in', async () => {
      const tenantOf = (tenantId: string, tenantName: string) => {
        const { appId, secret } = sim.demoApp('ok', tenantId);
        return { tenantId, tenantName, appId, secret };
      };
      const demo = simulatorDemoSignIn({
        authorityHost: sim.authorityHost,
        audience: AUDIENCE,
        users: graphDemoUsers({
          authorityHost: sim.authorityHost,
          graphBaseUrl: sim.graphBaseUrl,
          tenants: [tenantOf(contoso, 'Contoso'), tenantOf(fabrikam, 'Fabrikam')],
          perTenant: 50,
        }),
      });
      const withDemo = await startTabApi(sim, { demoSignIn: demo });
      const without = await startTabApi(sim);
      try {
        const config = bodyOf<{ demoSignIn?: { users: { upn: string; tenant?: string }[] } }>(
          await withDemo.call('GET', '/api/v1/client-config'),
        );
        const offered = config.demoSignIn?.users.map((u) => `${u.upn} (${u.tenant})`) ?? [];
        assert.ok(offered.includes(`${ada.upn} (Contoso)`), offered.join());
        assert.ok(offered.includes(`${fay.upn} (Fabrikam)`), offered.join());
        assert.ok(!offered.some((u) => u.includes('#EXT#')), 'no guests');

        const issued = await withDemo.call('POST', '/api/v1/demo/token', {
          body: { upn: fay.upn.toUpperCase() },
        });
        assert.equal(issued.status, 200);
        const me = bodyOf<{ tenantId: string; userId: string }>(
          await withDemo.call('GET', '/api/v1/me', { token: bodyOf<{ token: string }>(issued).token }),
        );
        assert.deepEqual([me.tenantId, me.userId], [fabrikam, fay.id]);
        expectError(
          await withDemo.call('POST', '/api/v1/demo/token', {
            body: { upn: 'nobody@contoso.onmicrosoft.com' },
          }),
          400,
          'invalid_input',
          { field: 'upn' },
        );
        const documented = bodyOf<{ paths: Record<string, Record<string, unknown>> }>(
          await withDemo.call('GET', '/api/v1/openapi.json'),
        );
        assert.ok('/api/v1/demo/token' in documented.paths);
        assert.deepEqual(
          operationsOf(documented.paths),
          withDemo.routes(),
          'the document describes every mounted route',
        );

        assert.deepEqual((await without.call('GET', '/api/v1/client-config')).body, {});
        expectError(
          await without.call('POST', '/api/v1/demo/token', { body: { upn: ada.upn } }),
          404,
          'not_found',
        );
        const plain = bodyOf<{ paths: Record<string, Record<string, unknown>> }>(
          await without.call('GET', '/api/v1/openapi.json'),
        );
        assert.ok(!('/api/v1/demo/token' in plain.paths));
        assert.deepEqual(operationsOf(plain.paths), without.routes());
      } finally {
        await withDemo.close();
        await without.close();
      }
    });

    it("answers 429 with Retry-After once a person's request budget is spent", async () => {
      const api = await startTabApi(sim, { limits: { perPerson: { points: 2, durationSeconds: 60 } } });
      try {
        const token = await userToken(sim, bob);
        assert.equal((await api.call('GET', '/api/v1/me', { token })).status, 200);
        assert.equal((await api.call('GET', '/api/v1/me', { token })).status, 200);
        const refused = await api.call('GET', '/api/v1/me', { token });
        expectError(refused, 429, 'rate_limited');
        assert.ok(Number(refused.headers.get('retry-after')) >= 1);
        assert.equal(
          (await api.call('GET', '/api/v1/me', { token: await userToken(sim, ada) })).status,
          200,
          'budgets are per person',
        );
      } finally {
        await api.close();
      }
    });
  });
});
