import { PNG } from 'pngjs';
import type { SimulatorHandle } from '../../../simulator/server';
import { chatPath, control } from './sim-control';

/** A small PNG of one colour: a distinct image per colour, the same bytes for the same colour. */
export function png(red: number, green: number, blue: number): Buffer {
  const image = new PNG({ width: 4, height: 4 });
  for (let i = 0; i < image.data.length; i += 4) {
    image.data[i] = red;
    image.data[i + 1] = green;
    image.data[i + 2] = blue;
    image.data[i + 3] = 255;
  }
  return PNG.sync.write(image);
}

export interface TenantPicks {
  tenantId: string;
  groupChatId: string;
  /** Members of the group chat who can post. */
  posters: string[];
  /** An active user who is not in the group chat. */
  outsider: string;
  /** Regular messages of users in the group chat, not deleted, oldest first. */
  messages: string[];
}

/** Ids the scenario acts on, read from the tenant as it is (nothing is changed here). */
export function pickTargets(sim: SimulatorHandle, tenantId: string): TenantPicks {
  const db = sim.state.db;
  const able = new Set(
    (
      db
        .prepare(
          'SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND account_enabled = 1 AND teams_licensed = 1',
        )
        .all(tenantId) as { id: string }[]
    ).map((u) => u.id),
  );
  const groups = db
    .prepare(
      `SELECT c.id FROM chats c WHERE c.tenant_id = ? AND c.chat_type = 'group'
       ORDER BY (SELECT COUNT(*) FROM messages m WHERE m.tenant_id = c.tenant_id AND m.chat_id = c.id) DESC`,
    )
    .all(tenantId) as { id: string }[];
  for (const { id: groupChatId } of groups) {
    const members = sim.state.listMembers(tenantId, groupChatId).map((m) => m.userId);
    const posters = members.filter((id) => able.has(id));
    const outsider = [...able].find((id) => !members.includes(id));
    const messages = (
      db
        .prepare(
          `SELECT id FROM messages WHERE tenant_id = ? AND chat_id = ? AND deleted = 0 AND message_type = 'message'
           AND from_user_id IS NOT NULL ORDER BY created_ms`,
        )
        .all(tenantId, groupChatId) as { id: string }[]
    ).map((m) => m.id);
    if (outsider && posters.length >= 2 && messages.length >= 9)
      return { tenantId, groupChatId, posters, outsider, messages };
  }
  throw new Error('the seeded tenant lacks a group chat with an outsider and nine messages');
}

/**
 * Changes a backed-up tenant the way people do between two backups, all through the control API:
 * an edit, a deletion, reactions, a member added and one leaving, a rename, a pin, new messages
 * with inline images (one image posted twice), and a new chat.
 */
export async function changeTenant(sim: SimulatorHandle, picks: TenantPicks, round: number): Promise<void> {
  const { tenantId, groupChatId, posters } = picks;
  const chat = chatPath(tenantId, groupChatId);
  const [edited, deleted, reacted] = picks.messages.slice(round * 3, round * 3 + 3);
  if (!edited || !deleted || !reacted) throw new Error('not enough messages to change');
  await control(sim, 'PATCH', `${chat}/messages/${edited}`, {
    body: { contentType: 'html', content: `<p>Edited in round ${round}</p>` },
  });
  await control(sim, 'DELETE', `${chat}/messages/${deleted}`);
  await control(sim, 'POST', `${chat}/messages/${reacted}/reactions`, {
    userId: posters[1],
    reactionType: 'like',
  });
  await control(sim, 'POST', `${chat}/messages/${reacted}/reactions`, {
    userId: posters[0],
    reactionType: 'heart',
  });
  await control(sim, 'PATCH', chat, { topic: `Renamed in round ${round}`, by: posters[0] });
  await control(sim, 'POST', `${chat}/pinnedMessages`, { messageId: reacted, by: posters[0] });

  const shared = png(10 * round, 200, 30).toString('base64');
  const own = png(200, 10 * round, 90).toString('base64');
  await control(sim, 'POST', `${chat}/messages`, {
    from: { userId: posters[0] },
    body: {
      contentType: 'html',
      content:
        '<p>Two pictures</p><img src="../hostedContents/a/$value"><img src="../hostedContents/b/$value">',
    },
    hostedContents: [
      { temporaryId: 'a', contentType: 'image/png', contentBytes: shared },
      { temporaryId: 'b', contentType: 'image/png', contentBytes: own },
    ],
  });
  await control(sim, 'POST', `${chat}/messages`, {
    from: { userId: posters[1] },
    body: {
      contentType: 'html',
      content: '<p>The same picture again</p><img src="../hostedContents/1/$value">',
    },
    hostedContents: [{ temporaryId: '1', contentType: 'image/png', contentBytes: shared }],
  });

  if (round === 0) {
    await control(sim, 'POST', `${chat}/members`, {
      userId: picks.outsider,
      by: posters[0],
      shareHistory: true,
    });
    await control(sim, 'POST', `${chat}/messages`, {
      from: { userId: picks.outsider },
      body: { contentType: 'text', content: 'Hello, I was just added' },
    });
    const created = await control<{ id: string }>(sim, 'POST', `/tenants/${tenantId}/chats`, {
      chatType: 'group',
      topic: 'Brand new chat',
      members: [{ userId: posters[0] }, { userId: posters[1] }, { userId: picks.outsider }],
      createdBy: posters[0],
    });
    await control(sim, 'POST', `${chatPath(tenantId, created.id)}/messages`, {
      from: { userId: posters[1] },
      body: { contentType: 'text', content: 'First message of a new chat' },
    });
  } else {
    await control(sim, 'DELETE', `${chat}/members/${picks.outsider}`);
    // The message edited in the previous round is deleted now: its earlier states must stay.
    const previous = picks.messages[(round - 1) * 3]!;
    await control(sim, 'DELETE', `${chat}/messages/${previous}`);
  }
}
