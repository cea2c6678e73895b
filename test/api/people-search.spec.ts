import assert from 'node:assert/strict';
import { DirectoryError } from '../../backend/directory/directory-error';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  addPerson,
  backUpNow,
  connectDemoApp,
  startTabApi,
  userToken,
  type ApiAnswer,
  type SimPerson,
  type TabApiHarness,
} from './support/tab-api-harness';

interface Person {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string;
}
interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

const bodyOf = <T>(answer: ApiAnswer) => answer.body as T;

/**
 * The scope picker's directory search over the real services and the tenant simulator: people the
 * backup discovered, then the live directory through the tenant's app, each tenant on its own.
 */
describe('tab API: the people search of the scope picker', function () {
  this.timeout(180_000);
  let sim: SimulatorHandle;
  let api: TabApiHarness;
  let contoso: string;
  let fabrikam: string;
  let ada: SimPerson;
  let bob: SimPerson;
  let fay: SimPerson;
  let marguerite: SimPerson;
  let margo: SimPerson;
  let margaux: SimPerson;
  let quillon: SimPerson;
  let adaToken: string;
  let bobToken: string;
  let fayToken: string;

  const search = (query: string, token = adaToken) => api.call('GET', `/api/v1/people?${query}`, { token });
  const found = async (query: string, token = adaToken): Promise<Person[]> => {
    const answer = await search(query, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return bodyOf<{ items: Person[] }>(answer).items;
  };
  const refused = (answer: ApiAnswer, status: number, code: string, field?: string) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    const { error } = bodyOf<ErrorBody>(answer);
    assert.equal(error.code, code);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    assert.ok(error.message.length > 10, 'a sentence a person can act on');
    return error;
  };
  const connect = (tenantId: string, token: string, harness = api) =>
    connectDemoApp(harness, sim, tenantId, token);

  before(async () => {
    sim = await startTestSimulator();
    contoso = sim.tenants[0]!.id;
    fabrikam = sim.tenants[1]!.id;
    ada = await addPerson(sim, contoso, 'Ada Admin', 'ada');
    bob = await addPerson(sim, contoso, 'Bob Builder', 'bob');
    // A UPN unlike the name, so that a match by UPN is not a match by name.
    marguerite = await addPerson(sim, contoso, 'Marguerite Stored', 'mstored');
    margo = await addPerson(sim, contoso, 'Margo Twin', 'twin.margo');
    fay = await addPerson(sim, fabrikam, 'Fay Fabrikam', 'fay');
    api = await startTabApi(sim);
    [adaToken, bobToken, fayToken] = await Promise.all([
      userToken(sim, ada),
      userToken(sim, bob),
      userToken(sim, fay),
    ]);

    // Contoso is connected and backed up: its people so far are discovered.
    await connect(contoso, adaToken);
    await backUpNow(api, adaToken);

    // People who joined since: only the live directory has them.
    margaux = await addPerson(sim, contoso, 'Margaux Late', 'mlate');
    quillon = await addPerson(sim, contoso, 'Quillon Newcomer', 'qnew');
    // Fabrikam is connected (Fay its first admin) and never backed up.
    await connect(fabrikam, fayToken);
  });
  after(async () => {
    await api?.close();
    await sim?.close();
  });

  it('finds a discovered person by the start of their display name and of their UPN, in any case', async () => {
    assert.ok(await api.backupStore.getUser(contoso, marguerite.id), 'the backup discovered her');
    const byName = await found('search=margUERITE');
    assert.deepEqual(
      byName.map((p) => [p.id, p.userPrincipalName, p.displayName]),
      [[marguerite.id, marguerite.upn, 'Marguerite Stored']],
    );
    const byUpn = await found(`search=${encodeURIComponent('MSTORED@')}`);
    assert.deepEqual(
      byUpn.map((p) => p.id),
      [marguerite.id],
    );
    // The text is trimmed before it is matched.
    assert.deepEqual(
      (await found(`search=${encodeURIComponent('  mstor  ')}`)).map((p) => p.id),
      [marguerite.id],
    );
  });

  it('finds a person added to the tenant after the backup, through Microsoft Graph', async () => {
    assert.equal(await api.backupStore.getUser(contoso, quillon.id), undefined, 'not discovered');
    const people = await found('search=Quill');
    assert.deepEqual(people, [
      {
        id: quillon.id,
        userPrincipalName: quillon.upn,
        displayName: 'Quillon Newcomer',
        ...(people[0]?.mail ? { mail: people[0].mail } : {}),
      },
    ]);
    assert.deepEqual(
      (await found('search=qne')).map((p) => p.id),
      [quillon.id],
      'by UPN too',
    );
  });

  it('lists discovered people first, then the live directory, each person once, at most `limit`', async () => {
    const marg = await found('search=Marg');
    assert.deepEqual(
      marg.map((p) => p.id),
      [margo.id, marguerite.id, margaux.id],
      'the two discovered by name, then the one only Graph has',
    );
    assert.deepEqual(
      (await found('search=Marg&limit=2')).map((p) => p.id),
      [margo.id, marguerite.id],
    );
    assert.deepEqual(
      (await found('search=Marg&limit=1')).map((p) => p.id),
      [margo.id],
    );
  });

  it("never shows one tenant's people to another tenant's admin", async () => {
    const contosoIds = new Set([ada, bob, marguerite, margo, margaux, quillon].map((p) => p.id));
    for (const text of ['Marg', 'Quill', 'mstored@', 'Ada A', 'Bob B']) {
      const theirs = await found(`search=${encodeURIComponent(text)}`, fayToken);
      assert.ok(
        theirs.every((p) => !contosoIds.has(p.id)),
        `"${text}" found ${theirs.map((p) => p.userPrincipalName).join()}`,
      );
    }
    assert.deepEqual(
      (await found('search=Fay', fayToken)).map((p) => p.id),
      [fay.id],
      "Fabrikam's admin finds Fabrikam's people",
    );
    assert.deepEqual(await found('search=Fay%20Fab'), [], "and Contoso's admin does not");
  });

  it('refuses a text shorter than 2 or longer than 100 characters, a limit over 25 and unknown parameters', async () => {
    refused(await search('search=a'), 400, 'invalid_input', 'search');
    refused(await search(`search=${encodeURIComponent('  a ')}`), 400, 'invalid_input', 'search');
    refused(await search(''), 400, 'invalid_input', 'search');
    refused(await search(`search=${'m'.repeat(101)}`), 400, 'invalid_input', 'search');
    refused(await search('search=Marg&limit=26'), 400, 'invalid_input', 'limit');
    refused(await search('search=Marg&limit=0'), 400, 'invalid_input', 'limit');
    refused(await search('search=Marg&tenant=other'), 400, 'invalid_input', 'tenant');
    assert.equal((await found(`search=${'m'.repeat(100)}`)).length, 0, '100 characters are allowed');
  });

  it('is for admins only, and not audited', async () => {
    refused(await search('search=Marg', bobToken), 403, 'not_admin');
    refused(await api.call('GET', '/api/v1/people?search=Marg'), 401, 'unauthenticated');
    const before = await api.call('GET', '/api/v1/audit', { token: adaToken });
    await found('search=Marg');
    const after = await api.call('GET', '/api/v1/audit', { token: adaToken });
    assert.deepEqual(after.body, before.body);
  });

  it('answers 503 with a sentence and Retry-After when the directory cannot be read', async () => {
    const failing = await startTabApi(sim, {
      directoryOverride: {
        search: async (_tenantId, text) => {
          throw new DirectoryError('unavailable', `Microsoft Graph did not answer the look-up of "${text}".`);
        },
      },
    });
    try {
      await connect(contoso, adaToken, failing);
      const answer = await failing.call('GET', '/api/v1/people?search=Marguerite', { token: adaToken });
      const error = refused(answer, 503, 'unavailable');
      assert.match(error.message, /could not be searched/);
      assert.ok(!error.message.includes('Marguerite'), 'the text searched for is not echoed');
      assert.equal(answer.headers.get('retry-after'), '30');
    } finally {
      await failing.close();
    }
  });
});
