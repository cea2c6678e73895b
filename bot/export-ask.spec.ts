import assert from 'node:assert/strict';
import { parseCommand } from './command-text';
import { EXPORT_PROBLEMS, exportAskFromForm, exportAskFromWords, type ExportAsk } from './export-ask';

const CHAT = '19:AbC_dEf@unq.gbl.spaces';

function request(ask: ExportAsk) {
  assert.ok(ask.ok, ask.ok ? '' : ask.problem);
  return ask.request;
}

function problem(ask: ExportAsk): string {
  assert.ok(!ask.ok, `refused, not ${JSON.stringify(ask)}`);
  return ask.problem;
}

describe('export: reading what was asked', () => {
  it('reads the three forms, html by default, keeping ids as typed', () => {
    assert.deepEqual(request(exportAskFromWords(`chat ${CHAT}`)), {
      scope: { kind: 'chat', chatId: CHAT },
      format: 'html',
    });
    assert.deepEqual(request(exportAskFromWords('USER Ada@Contoso.test JSON')), {
      scope: { kind: 'user', user: 'Ada@Contoso.test' },
      format: 'json',
    });
    assert.deepEqual(request(exportAskFromWords('all')), { scope: { kind: 'all' }, format: 'html' });
  });

  it('takes the format and the moment in either order, normalised to UTC', () => {
    const expected = { scope: { kind: 'all' }, format: 'json', at: '2026-03-02T07:00:00.000Z' };
    assert.deepEqual(request(exportAskFromWords('all json at 2026-03-02T08:00+01:00')), expected);
    assert.deepEqual(request(exportAskFromWords('all at 2026-03-02T08:00:00+01:00 json')), expected);
    assert.equal(
      request(exportAskFromWords('all at 2026-03-02t07:00z')).at,
      expected.at,
      'lower-case t and z',
    );
    assert.equal(request(exportAskFromWords('all at 2026-03-02T07:00:00.000Z')).at, expected.at);
    assert.equal(
      request(exportAskFromWords('all at 2026-03-02')).at,
      '2026-03-02T00:00:00.000Z',
      'a day alone is its start, UTC',
    );
  });

  it('names what is wrong, without quoting what was typed', () => {
    const cases: [string, string][] = [
      ['everything', EXPORT_PROBLEMS.usage],
      ['chats', EXPORT_PROBLEMS.usage],
      ['chat', EXPORT_PROBLEMS.noChat],
      ['chat json', EXPORT_PROBLEMS.noChat],
      ['user at 2026-03-02', EXPORT_PROBLEMS.noUser],
      ['all html json', EXPORT_PROBLEMS.twoFormats],
      ['all at 2026-03-02 at 2026-03-03', EXPORT_PROBLEMS.twoMoments],
      ['all at', EXPORT_PROBLEMS.noMoment],
      ['all at yesterday', EXPORT_PROBLEMS.badMoment],
      ['all at 2026-02-30', EXPORT_PROBLEMS.badMoment],
      ['all at 2026-03-02T25:00Z', EXPORT_PROBLEMS.badMoment],
      ['all at 03/02/2026', EXPORT_PROBLEMS.badMoment],
      ['all at 2026-03-02T08:00', EXPORT_PROBLEMS.noZone],
      ['all at 2026-03-02 08:00', EXPORT_PROBLEMS.splitMoment],
      [`chat ${CHAT} pdf`, EXPORT_PROBLEMS.extraWords],
      ['all chats', EXPORT_PROBLEMS.extraWords],
      ['user a@x.test b@x.test', EXPORT_PROBLEMS.extraWords],
    ];
    for (const [words, expected] of cases) {
      const said = problem(exportAskFromWords(words));
      assert.equal(said, expected, words);
      for (const typed of ['yesterday', 'pdf', '30', '25:00', 'b@x.test'])
        if (words.includes(typed)) assert.ok(!said.includes(typed), `${words}: quotes ${typed}`);
    }
  });

  it('is what a typed "export …" becomes, and "export" alone asks for the form', () => {
    assert.deepEqual(parseCommand('export'), { name: 'export' });
    assert.deepEqual(parseCommand('/Export.'), { name: 'export' });
    assert.deepEqual(parseCommand(`<at>ChatVault</at> export chat ${CHAT}`), {
      name: 'export.create',
      ask: { ok: true, request: { scope: { kind: 'chat', chatId: CHAT }, format: 'html' } },
    });
    assert.deepEqual(parseCommand('export  all   json'), {
      name: 'export.create',
      ask: { ok: true, request: { scope: { kind: 'all' }, format: 'json' } },
    });
    assert.equal(parseCommand('export nonsense').name, 'export.create');
    assert.equal(parseCommand('exports').name, 'unknown');
  });

  it('reads the form: what, whose, format, and a day with an optional UTC time', () => {
    assert.deepEqual(
      request(
        exportAskFromForm({
          kind: 'user',
          target: ' ada@contoso.test ',
          format: 'json',
          atDate: '2026-03-02',
          atTime: '08:30',
        }),
      ),
      { scope: { kind: 'user', user: 'ada@contoso.test' }, format: 'json', at: '2026-03-02T08:30:00.000Z' },
    );
    assert.deepEqual(request(exportAskFromForm({ kind: 'chat', target: CHAT, atDate: '2026-03-02' })), {
      scope: { kind: 'chat', chatId: CHAT },
      format: 'html',
      at: '2026-03-02T00:00:00.000Z',
    });
    assert.deepEqual(
      request(exportAskFromForm({ kind: 'all', target: 'ignored', format: '', atDate: '', atTime: '' })),
      { scope: { kind: 'all' }, format: 'html' },
    );
    const cases: [Parameters<typeof exportAskFromForm>[0], string][] = [
      [{}, EXPORT_PROBLEMS.formKind],
      [{ kind: 'tenant' }, EXPORT_PROBLEMS.formKind],
      [{ kind: 'chat', target: '  ' }, EXPORT_PROBLEMS.formNoChat],
      [{ kind: 'user' }, EXPORT_PROBLEMS.formNoUser],
      [{ kind: 'all', format: 'pdf' }, EXPORT_PROBLEMS.formFormat],
      [{ kind: 'all', atTime: '08:00' }, EXPORT_PROBLEMS.formTimeWithoutDay],
      [{ kind: 'all', atDate: '2026-02-30' }, EXPORT_PROBLEMS.formBadMoment],
      [{ kind: 'all', atDate: '2026-03-02', atTime: '8 am' }, EXPORT_PROBLEMS.formBadMoment],
    ];
    for (const [inputs, expected] of cases)
      assert.equal(problem(exportAskFromForm(inputs)), expected, JSON.stringify(inputs));
  });
});
