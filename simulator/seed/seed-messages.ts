import { eventDetailJson, type SystemEvent, type SystemEventKind } from '../state/event-detail-json';
import { guidFrom, hexFrom, hostedContentId } from '../state/graph-ids';
import { hostedContentUrl } from '../state/graph-urls';
import { attachmentTag, escapeHtml, inlineImageHtml, mentionTag } from '../state/message-html';
import {
  applicationSender,
  deletedMessage,
  editedMessage,
  newChatMessage,
  newReaction,
  reactedMessage,
  SYSTEM_EVENT_BODY,
  unreactedMessage,
  type ChatMessageAttachment,
  type ChatMessageJson,
  type ChatMessageMention,
  type FromIdentitySet,
  type Importance,
  type ItemBody,
} from '../state/message-json';
import type { ChatRole, SeedChat } from './seed-chats';
import type { SeedImage } from './seed-images';
import type { SeedBot, SeedPeople, SeedPerson } from './seed-people';
import type { SeedRandom } from './seed-random';
import { SPECIALS, type Special, type SpecialMessageKind } from './seed-specials';
import {
  adaptiveCard,
  emojiHtml,
  fileName,
  htmlText,
  longHtml,
  oneDriveFileUrl,
  plainText,
  REACTION_TYPES,
  rtlHtml,
  sentence,
  thumbnailCard,
} from './seed-texts';

/** Where generated rows go; the seed writes them to the database in batches. */
export interface SeedSink {
  message(
    chat: SeedChat,
    message: ChatMessageJson,
    version: number,
    fromUserId: string | null,
    hosted: SeedHosted[],
  ): void;
  addMember(chat: SeedChat, person: SeedPerson, visibleHistoryStartMs: number | null): void;
  removeMember(chat: SeedChat, person: SeedPerson): void;
  pin(chat: SeedChat, messageId: string, ms: number): void;
  unpin(chat: SeedChat, messageId: string): void;
}

export interface SeedHosted {
  id: string;
  sha256: string;
}

interface Content {
  body: ItemBody;
  mentions?: ChatMessageMention[];
  attachments?: ChatMessageAttachment[];
  images?: SeedImage[];
}

type Mutation = 'edit' | 'delete' | 'react' | 'reactAndTakeBack';

const HOUR = 3_600_000;

/** Long posts stay under Teams' limit of about 28 KB per message. */
const LONG_POST_CHARS = 24_000;

export interface MessageStreamSetup {
  rng: SeedRandom;
  seed: string;
  tenantId: string;
  domain: string;
  people: SeedPeople;
  /** Sorted by birth. */
  chats: SeedChat[];
  images: SeedImage[];
  startMs: number;
  endMs: number;
  total: number;
}

/**
 * Generates the tenant's messages one at a time in time order, so any number of them can be
 * written without holding them: message i is created in its own slot of the history, in a chat
 * already born, weighted towards busy chats. The special cases are planted at evenly spaced
 * positions; when one cannot be placed (a tiny tenant) an ordinary message takes its slot.
 */
export class MessageStream {
  private readonly rng: SeedRandom;
  private readonly slotMs: number;
  private readonly specialAt = new Map<number, Special>();
  private readonly byRole = new Map<ChatRole, SeedChat>();
  private born = 0;
  private lastMs = -Infinity;
  private readonly callOf = new Map<string, string>();

  constructor(private readonly s: MessageStreamSetup) {
    this.rng = s.rng;
    this.slotMs = (s.endMs - s.startMs) / Math.max(1, s.total);
    const planted = SPECIALS.slice(0, s.total);
    planted.forEach((special, j) =>
      this.specialAt.set(Math.floor(((j + 1) * s.total) / (planted.length + 1)), special),
    );
    for (const chat of s.chats) if (chat.role) this.byRole.set(chat.role, chat);
  }

  /** Generates message `i` (0-based, in order) and everything it implies. */
  next(i: number, sink: SeedSink): void {
    const slotStart = this.s.startMs + Math.floor(i * this.slotMs);
    const t = Math.max(this.lastMs + 1, slotStart + this.rng.int(Math.max(1, Math.floor(this.slotMs))));
    this.lastMs = t;
    while (this.born < this.s.chats.length && this.s.chats[this.born]!.birthMs <= t) this.born++;
    const special = this.specialAt.get(i);
    if (special && this.planted(special, t, sink)) return;
    this.random(t, sink);
  }

  // Special cases

  private planted(special: Special, t: number, sink: SeedSink): boolean {
    const chat = this.byRole.get(special.role);
    if (!chat || chat.birthMs > t) return false;
    if (typeof special.kind !== 'string') return this.event(special.kind.event, chat, t, sink);
    return this.plantedMessage(special.kind, chat, t, sink);
  }

  private plantedMessage(kind: SpecialMessageKind, chat: SeedChat, t: number, sink: SeedSink): boolean {
    const rng = this.rng;
    const sender = this.sender(chat);
    const { images } = this.s;
    switch (kind) {
      case 'text':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'text', content: plainText(rng) } },
          [],
          sink,
        );
      case 'mention': {
        const other = this.other(chat, sender);
        return !!other && this.post(chat, t, sender, this.mention(other), [], sink);
      }
      case 'emoji':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'html', content: emojiHtml(rng) } },
          [],
          sink,
        );
      case 'arabic':
      case 'hebrew':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'html', content: rtlHtml(rng, kind) } },
          [],
          sink,
        );
      case 'long':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'html', content: longHtml(rng, LONG_POST_CHARS) } },
          [],
          sink,
        );
      case 'inlineImage':
      case 'inlineImageReused':
        return images.length > 0 && this.post(chat, t, sender, this.imagePost([images[0]!]), [], sink);
      case 'twoImages':
        return (
          images.length > 1 &&
          this.post(chat, t, sender, this.imagePost([images[1]!, images[2 % images.length]!]), [], sink)
        );
      case 'fileReference':
        return this.post(chat, t, sender, this.filePost(chat, t, sender), [], sink);
      case 'adaptiveCard':
      case 'thumbnailCard': {
        const bot = this.s.people.bots[kind === 'adaptiveCard' ? 0 : 1];
        return chat.botInstalled && !!bot && this.post(chat, t, bot, this.cardPost(chat, t, kind), [], sink);
      }
      case 'federatedSender':
      case 'guestSender':
      case 'disabledSender': {
        const who = chat.members.find((m) =>
          kind === 'federatedSender'
            ? m.kind === 'federated'
            : kind === 'guestSender'
              ? m.kind === 'guest'
              : m.disabled,
        );
        return (
          !!who &&
          this.post(chat, t, who, { body: { contentType: 'html', content: htmlText(rng) } }, [], sink)
        );
      }
      case 'fromNull':
        return this.post(chat, t, null, { body: { contentType: 'text', content: plainText(rng) } }, [], sink);
      case 'important':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'html', content: htmlText(rng) } },
          [],
          sink,
          'high',
        );
      case 'reactions':
        return (
          !!this.other(chat, sender) &&
          this.post(
            chat,
            t,
            sender,
            { body: { contentType: 'html', content: htmlText(rng) } },
            ['react', 'react', 'react'],
            sink,
          )
        );
      case 'reactionRemoved':
        return (
          !!this.other(chat, sender) &&
          this.post(
            chat,
            t,
            sender,
            { body: { contentType: 'text', content: plainText(rng) } },
            ['reactAndTakeBack'],
            sink,
          )
        );
      case 'edited':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'text', content: plainText(rng) } },
          ['edit'],
          sink,
        );
      case 'deleted':
        return this.post(
          chat,
          t,
          sender,
          { body: { contentType: 'html', content: htmlText(rng) } },
          ['delete'],
          sink,
        );
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown special ${String(unreachable)}`);
      }
    }
  }

  // Ordinary traffic

  private pickChat(): SeedChat {
    const born = Math.max(1, this.born);
    for (;;) {
      const chat = this.s.chats[this.rng.int(born)]!;
      if (this.rng.float() < chat.weight) return chat;
    }
  }

  private random(t: number, sink: SeedSink): void {
    const rng = this.rng;
    const chat = this.pickChat();
    const eventShare = chat.chatType === 'meeting' ? 0.06 : chat.chatType === 'group' ? 0.025 : 0.01;
    if (rng.chance(eventShare) && this.event(this.randomEventKind(chat), chat, t, sink)) return;

    if (chat.botInstalled && rng.chance(0.15)) {
      const bot = this.s.people.bots[0]!;
      this.post(chat, t, bot, this.cardPost(chat, t, 'adaptiveCard'), [], sink);
      return;
    }
    const sender = this.sender(chat);
    const other = this.other(chat, sender);
    const roll = rng.float();
    let content: Content;
    let editable = true;
    if (roll < 0.3) content = { body: { contentType: 'text', content: plainText(rng) } };
    else if (roll < 0.78) content = { body: { contentType: 'html', content: htmlText(rng) } };
    else if (roll < 0.86) content = { body: { contentType: 'html', content: emojiHtml(rng) } };
    else if (roll < 0.91 && other) {
      content = this.mention(other);
      editable = false;
    } else if (roll < 0.93)
      content = {
        body: { contentType: 'html', content: rtlHtml(rng, rng.chance(0.5) ? 'arabic' : 'hebrew') },
      };
    else if (roll < 0.955 && this.s.images.length > 0) {
      const count = rng.chance(0.1) ? 2 : 1;
      content = this.imagePost(Array.from({ length: count }, () => rng.pick(this.s.images)));
      editable = false;
    } else if (roll < 0.97) {
      content = this.filePost(chat, t, sender);
      editable = false;
    } else if (roll < 0.972)
      content = { body: { contentType: 'html', content: longHtml(rng, LONG_POST_CHARS) } };
    else content = { body: { contentType: 'html', content: htmlText(rng) } };

    const mutations: Mutation[] = [];
    if (other && rng.chance(0.1)) {
      for (let k = rng.range(1, 3); k > 0; k--) mutations.push('react');
      if (rng.chance(0.2)) mutations.push('reactAndTakeBack');
    }
    if (editable && rng.chance(0.04))
      mutations.unshift(...((rng.chance(0.1) ? ['edit', 'edit'] : ['edit']) as Mutation[]));
    if (rng.chance(0.015)) mutations.push('delete');
    const importance: Importance = rng.chance(0.01) ? 'high' : rng.chance(0.002) ? 'urgent' : 'normal';
    this.post(chat, t, sender, content, mutations, sink, importance);
  }

  private randomEventKind(chat: SeedChat): SystemEventKind {
    const rng = this.rng;
    switch (chat.chatType) {
      case 'meeting':
        return rng.pick([
          'callStarted',
          'callEnded',
          'callEnded',
          'callRecording',
          'callTranscript',
          'membersJoined',
        ] as const);
      case 'group':
        return chat.role === 'team'
          ? rng.pick(['messagePinned', 'messageUnpinned', 'callStarted', 'callEnded'] as const)
          : rng.pick([
              'membersAdded',
              'membersDeleted',
              'membersLeft',
              'chatRenamed',
              'messagePinned',
              'messageUnpinned',
              'callStarted',
              'callEnded',
            ] as const);
      case 'oneOnOne':
        return rng.pick(['callStarted', 'callEnded'] as const);
      default: {
        const unreachable: never = chat.chatType;
        throw new Error(`unknown chat type ${String(unreachable)}`);
      }
    }
  }

  // Building blocks

  private internalMembers(chat: SeedChat): SeedPerson[] {
    return chat.members.filter((m) => m.kind === 'member');
  }

  private sender(chat: SeedChat): SeedPerson {
    return this.rng.pick(chat.members);
  }

  private other(chat: SeedChat, than: SeedPerson): SeedPerson | undefined {
    const others = chat.members.filter((m) => m !== than);
    return others.length > 0 ? this.rng.pick(others) : undefined;
  }

  private mention(who: SeedPerson): Content {
    const text = who.participant.displayName;
    const body = `<p>${escapeHtml(sentence(this.rng))} ${mentionTag(0, text)}</p>`;
    return {
      body: { contentType: 'html', content: body },
      mentions: [
        {
          id: 0,
          mentionText: text,
          mentioned: {
            application: null,
            device: null,
            conversation: null,
            user: {
              id: who.participant.userId,
              displayName: text,
              userIdentityType: who.participant.userIdentityType,
            },
          },
        },
      ],
    };
  }

  private imagePost(images: SeedImage[]): Content {
    return { body: { contentType: 'html', content: `<p>${escapeHtml(sentence(this.rng))}</p>` }, images };
  }

  private filePost(chat: SeedChat, t: number, sender: SeedPerson): Content {
    const name = fileName(this.rng);
    const owner = sender.upn ?? this.internalMembers(chat)[0]?.upn ?? `owner@${this.s.domain}`;
    const id = guidFrom(chat.id, String(t), 'attachment', 0);
    return {
      body: { contentType: 'html', content: `<p>${escapeHtml(sentence(this.rng))} ${attachmentTag(id)}</p>` },
      attachments: [
        {
          id,
          contentType: 'reference',
          contentUrl: oneDriveFileUrl(this.s.domain, owner, name),
          content: null,
          name,
          thumbnailUrl: null,
        },
      ],
    };
  }

  private cardPost(chat: SeedChat, t: number, kind: 'adaptiveCard' | 'thumbnailCard'): Content {
    const id = hexFrom(32, chat.id, String(t), 'attachment', 0);
    const card = kind === 'adaptiveCard' ? adaptiveCard(this.rng) : thumbnailCard(this.rng);
    return {
      body: { contentType: 'html', content: attachmentTag(id) },
      attachments: [
        {
          id,
          contentType:
            kind === 'adaptiveCard'
              ? 'application/vnd.microsoft.card.adaptive'
              : 'application/vnd.microsoft.card.thumbnail',
          contentUrl: null,
          content: JSON.stringify(card),
          name: null,
          thumbnailUrl: null,
        },
      ],
    };
  }

  /** The time of the next change to a message: minutes to hours later, never past the end. */
  private later(after: number): number {
    return Math.min(this.s.endMs, after + this.rng.range(1000, 2 * HOUR));
  }

  /** Writes a regular message in its final state after `mutations`; always succeeds. */
  private post(
    chat: SeedChat,
    t: number,
    sender: SeedPerson | SeedBot | null,
    content: Content,
    mutations: Mutation[],
    sink: SeedSink,
    importance: Importance = 'normal',
  ): true {
    const messageId = String(t);
    const hosted: SeedHosted[] = [];
    let body = content.body;
    if (content.images && content.images.length > 0) {
      let html = body.content;
      content.images.forEach((image, index) => {
        const id = hostedContentId(hexFrom(32, this.s.tenantId, chat.id, messageId, 'hosted', index));
        html += inlineImageHtml(hostedContentUrl(chat.id, messageId, id), image.width, image.height);
        hosted.push({ id, sha256: image.sha256 });
      });
      body = { contentType: 'html', content: html };
    }
    const from: FromIdentitySet | null =
      sender === null ? null : 'participant' in sender ? sender.from : applicationSender(sender);
    let message = newChatMessage({
      createdMs: t,
      chatId: chat.id,
      messageType: 'message',
      from,
      body,
      attachments: content.attachments ?? [],
      mentions: content.mentions ?? [],
      importance,
    });
    let version = 1;
    let at = t;
    const senderId = sender !== null && 'participant' in sender ? sender.participant.userId : null;
    const reactors = this.rng.sample(
      chat.members.filter((m) => m.participant.userId !== senderId),
      mutations.length,
    );
    for (const mutation of mutations) {
      at = this.later(at);
      switch (mutation) {
        case 'edit':
          message = editedMessage(
            message,
            { contentType: 'text', content: `${plainText(this.rng)} (edited)` },
            [],
            at,
          );
          break;
        case 'delete':
          message = deletedMessage(message, at);
          hosted.length = 0;
          break;
        case 'react':
        case 'reactAndTakeBack': {
          const reactor = reactors.shift();
          if (!reactor) break;
          const type = this.rng.pick(REACTION_TYPES);
          const user = {
            id: reactor.participant.userId,
            userIdentityType: reactor.participant.userIdentityType,
          };
          message = reactedMessage(message, newReaction(type, user, at), at);
          if (mutation === 'reactAndTakeBack') {
            version++;
            at = this.later(at);
            message = unreactedMessage(message, user.id, type, at)!;
          }
          break;
        }
        default: {
          const unreachable: never = mutation;
          throw new Error(`unknown mutation ${String(unreachable)}`);
        }
      }
      version++;
    }
    sink.message(chat, message, version, senderId, hosted);
    if (message.deletedDateTime === null) chat.pinnable = message.id;
    chat.lastUpdatedMs = Math.max(chat.lastUpdatedMs, Date.parse(message.lastModifiedDateTime));
    return true;
  }

  private writeEvent(
    chat: SeedChat,
    t: number,
    event: SystemEvent,
    initiator: SeedPerson,
    sink: SeedSink,
  ): true {
    const message = newChatMessage({
      createdMs: t,
      chatId: chat.id,
      messageType: 'systemEventMessage',
      from: null,
      body: SYSTEM_EVENT_BODY,
      eventDetail: eventDetailJson(event, initiator.event),
    });
    sink.message(chat, message, 1, null, []);
    chat.lastUpdatedMs = Math.max(chat.lastUpdatedMs, t);
    return true;
  }

  /** Plants a system event in the chat if it makes sense there now; false when it does not. */
  private event(kind: SystemEventKind, chat: SeedChat, t: number, sink: SeedSink): boolean {
    const rng = this.rng;
    const insiders = this.internalMembers(chat);
    const actor = insiders.includes(chat.organizer) ? chat.organizer : insiders[0];
    if (!actor) return false;
    const multiParty = chat.chatType !== 'oneOnOne';
    switch (kind) {
      case 'membersAdded':
      case 'membersJoined': {
        if (!multiParty || chat.role === 'team') return false;
        const candidates = [
          ...this.s.people.internal,
          ...(this.s.people.guest ? [this.s.people.guest] : []),
        ].filter((p) => !chat.members.includes(p));
        if (candidates.length === 0) return false;
        const joiner = rng.pick(candidates);
        const historyFrom = kind === 'membersAdded' && rng.chance(0.3) ? t : null;
        chat.members.push(joiner);
        sink.addMember(chat, joiner, historyFrom);
        const event: SystemEvent =
          kind === 'membersAdded'
            ? { kind, members: [joiner.event], visibleHistoryStartMs: historyFrom }
            : { kind, members: [joiner.event] };
        return this.writeEvent(chat, t, event, actor, sink);
      }
      case 'membersDeleted':
      case 'membersLeft': {
        if (chat.chatType !== 'group' || chat.role === 'team' || chat.members.length < 3) return false;
        const leaving = chat.members.filter((m) => m !== chat.organizer && m !== actor);
        if (leaving.length === 0) return false;
        const who = rng.pick(leaving);
        chat.members = chat.members.filter((m) => m !== who);
        sink.removeMember(chat, who);
        return this.writeEvent(
          chat,
          t,
          { kind, members: [who.event] },
          kind === 'membersLeft' ? who : actor,
          sink,
        );
      }
      case 'chatRenamed': {
        if (chat.chatType !== 'group') return false;
        const topic = `${rng.pick(['Project', 'Team', 'Squad', 'Crew'])} ${rng.pick(['Falcon', 'Nimbus', 'Atlas', 'Orion', 'Juniper'])} ${rng.range(1, 9)}`;
        chat.topic = topic;
        return this.writeEvent(
          chat,
          t,
          { kind, chatId: chat.id, chatDisplayName: topic },
          rng.pick(insiders),
          sink,
        );
      }
      case 'callStarted': {
        const callId = guidFrom(chat.id, 'call', t);
        this.callOf.set(chat.id, callId);
        const callEventType = chat.chatType === 'meeting' ? 'meeting' : 'call';
        return this.writeEvent(chat, t, { kind, callId, callEventType }, rng.pick(insiders), sink);
      }
      case 'callEnded': {
        const callId = this.callOf.get(chat.id) ?? guidFrom(chat.id, 'call', t);
        this.callOf.delete(chat.id);
        const participants = rng.sample(chat.members, rng.range(1, 5)).map((p) => p.event);
        const event: SystemEvent = {
          kind,
          callId,
          callEventType: chat.chatType === 'meeting' ? 'meeting' : 'call',
          durationSeconds: rng.range(20, 5400),
          participants,
        };
        return this.writeEvent(chat, t, event, actor, sink);
      }
      case 'callRecording':
      case 'callTranscript': {
        if (chat.chatType !== 'meeting') return false;
        const callId = this.callOf.get(chat.id) ?? guidFrom(chat.id, 'call', t);
        const organizer = chat.organizer.event;
        if (kind === 'callTranscript') {
          const iCalUid = `040000008200E00074C5B7101A82E008${hexFrom(48, chat.id, t).toUpperCase()}`;
          return this.writeEvent(chat, t, { kind, callId, iCalUid, organizer }, chat.organizer, sink);
        }
        const name = `${chat.topic ?? 'Meeting'} ${new Date(t).toISOString().slice(0, 10)}.mp4`;
        const url = oneDriveFileUrl(
          this.s.domain,
          chat.organizer.upn ?? `owner@${this.s.domain}`,
          name,
        ).replace('Microsoft%20Teams%20Chat%20Files', 'Recordings');
        const event: SystemEvent = {
          kind,
          callId,
          displayName: name,
          url,
          durationSeconds: rng.range(300, 5400),
          organizer,
        };
        return this.writeEvent(chat, t, event, chat.organizer, sink);
      }
      case 'messagePinned': {
        const id = chat.pinnable;
        if (!id || chat.pinned.includes(id)) return false;
        chat.pinned.push(id);
        sink.pin(chat, id, t);
        return this.writeEvent(chat, t, { kind, eventMs: t }, rng.pick(insiders), sink);
      }
      case 'messageUnpinned': {
        const id = chat.pinned.shift();
        if (!id) return false;
        sink.unpin(chat, id);
        return this.writeEvent(chat, t, { kind, eventMs: t }, rng.pick(insiders), sink);
      }
      case 'meetingPolicyUpdated':
        if (chat.chatType !== 'meeting') return false;
        return this.writeEvent(
          chat,
          t,
          { kind, meetingChatId: chat.id, meetingChatEnabled: rng.chance(0.8) },
          chat.organizer,
          sink,
        );
      case 'teamsAppInstalled':
      case 'teamsAppUpgraded':
      case 'teamsAppRemoved': {
        const bot = this.s.people.bots[0];
        if (!bot || !multiParty || (kind === 'teamsAppInstalled') === chat.botInstalled) return false;
        chat.botInstalled = kind !== 'teamsAppRemoved';
        const event: SystemEvent = {
          kind,
          teamsAppId: guidFrom('teams-app', bot.id),
          teamsAppDisplayName: bot.displayName,
        };
        return this.writeEvent(chat, t, event, actor, sink);
      }
      case 'tabUpdated':
        return (
          multiParty &&
          this.writeEvent(chat, t, { kind, tabId: `tab::${guidFrom(chat.id, 'tab')}` }, actor, sink)
        );
      case 'memberRoleUpdated':
        // A team and channel event: chats have no roles to change.
        return false;
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown event ${String(unreachable)}`);
      }
    }
  }
}
