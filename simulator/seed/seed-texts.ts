import { escapeHtml } from '../state/message-html';
import type { SeedRandom } from './seed-random';

/** Message text for seeded chats: everyday sentences, Teams emoji, right-to-left scripts and very long posts. */

const WORDS = (
  'the a our this that next last new old quick small big final draft shared weekly monthly budget plan roadmap ' +
  'release build review meeting call notes slides deck report invoice contract customer partner team design ' +
  'spec test bug fix feature launch demo update status deadline schedule agenda summary numbers forecast ' +
  'quarter sprint backlog ticket issue branch deploy server database backup restore export import migration ' +
  'workshop offsite lunch coffee travel flight hotel visa office desk laptop screen printer license account ' +
  'is are was will can should could might must please thanks sure okay great nice done ready blocked late early ' +
  'today tomorrow monday tuesday wednesday thursday friday morning afternoon evening soon later now again ' +
  'send share check read write sign approve merge ship move book cancel join skip update follow confirm ' +
  'with for from about after before during into over under by on at in to of and or but so if then'
).split(' ');

const EMOJI = [
  { id: '1f600_grinningface', alt: '😀', title: 'Grinning face' },
  { id: '1f44d_thumbsup', alt: '👍', title: 'Thumbs up' },
  { id: '1f389_partypopper', alt: '🎉', title: 'Party popper' },
  { id: '1f440_eyes', alt: '👀', title: 'Eyes' },
  { id: '1f525_fire', alt: '🔥', title: 'Fire' },
  { id: '2764_redheart', alt: '❤️', title: 'Red heart' },
  { id: '1f914_thinkingface', alt: '🤔', title: 'Thinking face' },
  { id: '1f680_rocket', alt: '🚀', title: 'Rocket' },
  { id: '1f64f_foldedhands', alt: '🙏', title: 'Folded hands' },
  { id: '1f602_facewithtearsofjoy', alt: '😂', title: 'Face with tears of joy' },
] as const;

export const ARABIC = [
  'مرحبا بالجميع، الاجتماع غدا في الساعة العاشرة صباحا.',
  'شكرا جزيلا على المساعدة في التقرير.',
  'هل يمكنك مراجعة الميزانية قبل نهاية اليوم؟',
  'أرسلت الملف إلى الفريق، يرجى التأكيد.',
  'سنبدأ المرحلة الثانية من المشروع الأسبوع القادم.',
] as const;

export const HEBREW = [
  'שלום לכולם, הפגישה מחר בשעה עשר.',
  'תודה רבה על העזרה עם הדוח.',
  'אפשר לבדוק את התקציב לפני סוף היום?',
  'שלחתי את הקובץ לצוות, נא לאשר.',
  'נתחיל את השלב השני של הפרויקט בשבוע הבא.',
] as const;

const OTHER_SCRIPTS = [
  '了解しました、ありがとうございます。',
  'Ça marche, on se voit à 14 h à la cafétéria.',
  'Danke, ich schaue es mir morgen früh an.',
  'Спасибо, посмотрю вечером.',
] as const;

/** Reactions people use most: Teams' classic six plus a few Unicode emoji. */
export const REACTION_TYPES = [
  'like',
  'heart',
  'laugh',
  'surprised',
  'sad',
  'angry',
  '👍',
  '💯',
  '🎉',
  '🙏',
  '🔥',
] as const;

export function sentence(rng: SeedRandom): string {
  const n = rng.range(3, 14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${rng.pick(['.', '.', '.', '?', '!'])}`;
}

export function plainText(rng: SeedRandom): string {
  return rng.chance(0.7) ? sentence(rng) : `${sentence(rng)} ${sentence(rng)}`;
}

/** A paragraph or two, sometimes with bold text or a list, as the Teams editor writes them. */
export function htmlText(rng: SeedRandom): string {
  const roll = rng.float();
  if (roll < 0.1) {
    const items = Array.from({ length: rng.range(2, 4) }, () => `<li>${escapeHtml(sentence(rng))}</li>`);
    return `<p>${escapeHtml(sentence(rng))}</p><ul>${items.join('')}</ul>`;
  }
  if (roll < 0.2) return `<p><b>${escapeHtml(sentence(rng))}</b> ${escapeHtml(sentence(rng))}</p>`;
  if (roll < 0.23) return `<p>${escapeHtml(rng.pick(OTHER_SCRIPTS))}</p>`;
  return `<p>${escapeHtml(plainText(rng))}</p>`;
}

export function emojiTag(rng: SeedRandom): string {
  const e = rng.pick(EMOJI);
  return `<emoji id="${e.id}" alt="${e.alt}" title="${e.title}"></emoji>`;
}

export function emojiHtml(rng: SeedRandom): string {
  return `<p>${escapeHtml(sentence(rng))}&nbsp;${emojiTag(rng)}${rng.chance(0.3) ? emojiTag(rng) : ''}</p>`;
}

export function rtlHtml(rng: SeedRandom, script: 'arabic' | 'hebrew'): string {
  const text = rng.pick(script === 'arabic' ? ARABIC : HEBREW);
  // Mixed direction on purpose: a Latin word inside right-to-left text is the hard case for exports.
  return rng.chance(0.5) ? `<p dir="rtl">${escapeHtml(text)}</p>` : `<p>Q3: ${escapeHtml(text)}</p>`;
}

/** A post of at least `minChars` characters of HTML, in paragraphs. */
export function longHtml(rng: SeedRandom, minChars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < minChars) {
    const paragraph = `<p>${Array.from({ length: 6 }, () => escapeHtml(sentence(rng))).join(' ')}</p>`;
    parts.push(paragraph);
    length += paragraph.length;
  }
  return parts.join('');
}

const FILES = [
  'Budget FY25.xlsx',
  'Roadmap.pptx',
  'Design spec.docx',
  'Contract draft v3.docx',
  'Meeting notes.docx',
  'Q3 numbers.xlsx',
  'Site photos.zip',
  'Invoice 2291.pdf',
] as const;

export function fileName(rng: SeedRandom): string {
  return rng.pick(FILES);
}

/** Files shared in chats live in the sender's OneDrive, under "Microsoft Teams Chat Files". */
export function oneDriveFileUrl(domain: string, upn: string, name: string): string {
  const host = domain.split('.')[0]!.toLowerCase();
  const person = upn.toLowerCase().replace(/[^a-z0-9]/g, '_');
  return `https://${host}-my.sharepoint.com/personal/${person}/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(name)}`;
}

/** An Adaptive Card as a bot posts it (a build or approval notice). */
export function adaptiveCard(rng: SeedRandom): Record<string, unknown> {
  const build = rng.range(100, 9999);
  const ok = rng.chance(0.8);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: `Build #${build} ${ok ? 'succeeded' : 'failed'}`,
        weight: 'Bolder',
        size: 'Medium',
      },
      {
        type: 'FactSet',
        facts: [
          { title: 'Branch', value: rng.pick(['main', 'release/2.4', 'feature/export']) },
          { title: 'Duration', value: `${rng.range(2, 40)} min` },
        ],
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open build', url: `https://ci.example.com/builds/${build}` }],
  };
}

/** A thumbnail card, the older card kind bots still send (graph-examples chatmessage-post.3). */
export function thumbnailCard(rng: SeedRandom): Record<string, unknown> {
  return {
    title: 'Poll closed',
    subtitle: `<h3>${escapeHtml(sentence(rng))}</h3>`,
    text: `Winner: ${escapeHtml(rng.pick(WORDS))} with ${rng.range(2, 20)} votes`,
    buttons: [
      {
        type: 'messageBack',
        title: 'See results',
        text: 'results',
        displayText: 'results',
        value: 'results',
      },
    ],
  };
}
