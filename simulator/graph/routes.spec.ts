import assert from 'node:assert/strict';
import type { ThrottleKey } from '../contracts';
import { GraphFixture } from './graph-test-fixtures';

describe('createGraphRoutes', () => {
  let fx: GraphFixture;
  beforeEach(() => {
    fx = new GraphFixture();
    fx.user('8b081ef6-4792-4def-b2c9-c363a1bf41d5', { upn: 'adele@contoso.example' });
  });
  afterEach(() => fx.close());

  const CHAT = '19:abc@thread.v2';
  const HOSTED =
    'aWQ9eF8wLXd1cy1kOS1lNTRmNjM1NWYxYmJkNGQ3ZTNmNGJhZmU4NTI5MTBmNix0eXBlPTEsdXJsPWh0dHBzOi8vdXMtYXBpLmFzbS5za3lwZS5jb20vdjEvb2JqZWN0cy8wLXd1cy1kOS1lNTRmNjM1NWYxYmJkNGQ3ZTNmNGJhZmU4NTI5MTBmNi92aWV3cy9pbWdv';
  const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';

  function throttleOf(path: string): ThrottleKey {
    const { route, params } = fx.match('GET', path);
    return route.throttle(fx.request(path, params));
  }

  function rolesOf(path: string): readonly string[] {
    return fx.match('GET', path).route.anyRole;
  }

  it("meters each route in Microsoft's endpoint class, per chat or per user", () => {
    const expected: [string, ThrottleKey][] = [
      ['/users', { class: 'directory' }],
      [`/users/${USER}`, { class: 'directory' }],
      [`/users/${USER}/chats`, { class: 'teamsGet', userId: USER }],
      ['/users/adele@contoso.example/chats', { class: 'teamsGet', userId: USER }],
      [`/users/${USER}/chats/getAllMessages`, { class: 'getAllMessages' }],
      ['/users/ADELE@contoso.example/chats/getAllMessages/delta', { class: 'getAllMessages' }],
      [`/chats/${CHAT}`, { class: 'teamsGet', chatId: CHAT }],
      [`/chats/${CHAT}/members`, { class: 'teamsGet', chatId: CHAT }],
      [`/chats/${CHAT}/messages`, { class: 'teamsGet', chatId: CHAT }],
      [`/chats/${CHAT}/messages/1616964509832`, { class: 'getMessage', chatId: CHAT }],
      [`/chats/${CHAT}/messages/1616964509832/hostedContents`, { class: 'teamsGet', chatId: CHAT }],
      [`/chats/${CHAT}/messages/1616964509832/hostedContents/${HOSTED}`, { class: 'teamsGet', chatId: CHAT }],
      [
        `/chats/${CHAT}/messages/1616964509832/hostedContents/${HOSTED}/$value`,
        { class: 'teamsGet', chatId: CHAT },
      ],
      [`/chats/${CHAT}/pinnedMessages`, { class: 'teamsGet', chatId: CHAT }],
    ];
    for (const [path, key] of expected) assert.deepEqual(throttleOf(path), key, path);
    assert.deepEqual(throttleOf('/users/nobody@contoso.example/chats'), {
      class: 'teamsGet',
      userId: 'nobody@contoso.example',
    });
  });

  it('lets directory reads need a directory role, and message content need Chat.Read.All or Chat.ReadWrite.All', () => {
    for (const path of ['/users', `/users/${USER}`]) {
      assert.deepEqual([...rolesOf(path)].sort(), [
        'Directory.Read.All',
        'Directory.ReadWrite.All',
        'User.Read.All',
        'User.ReadWrite.All',
      ]);
    }
    for (const path of [`/users/${USER}/chats`, `/chats/${CHAT}`, `/chats/${CHAT}/members`]) {
      assert.ok(rolesOf(path).includes('Chat.ReadBasic.All'), path);
      assert.ok(rolesOf(path).includes('Chat.Read.All'), path);
    }
    for (const path of [
      `/users/${USER}/chats/getAllMessages`,
      `/users/${USER}/chats/getAllMessages/delta`,
      `/chats/${CHAT}/messages`,
      `/chats/${CHAT}/messages/1`,
      `/chats/${CHAT}/messages/1/hostedContents`,
      `/chats/${CHAT}/messages/1/hostedContents/${HOSTED}/$value`,
      `/chats/${CHAT}/pinnedMessages`,
    ]) {
      assert.deepEqual([...rolesOf(path)].sort(), ['Chat.Read.All', 'Chat.ReadWrite.All'], path);
    }
    for (const route of fx.routes) {
      if (route.path.startsWith('/users') && !route.path.includes('chats')) {
        assert.ok(!route.anyRole.some((role) => role.startsWith('Chat')), route.path);
      }
    }
  });
});
