import * as AC from 'adaptivecards';
import { isCardVerb } from '../card-action-token';

/**
 * What is wrong with a card, as the Adaptive Cards JavaScript renderer (the `adaptivecards`
 * package, the one Teams' web client builds on) sees it. The renderer needs a DOM to draw, but
 * not to parse and validate, which is what this does under Node:
 * - parse events: unknown element or action types, invalid property values (a color that is no
 *   color, a bad enum);
 * - `validateProperties`: duplicate input ids, required inputs without label or error message,
 *   empty collections, too many actions, versions;
 * - a round trip: every property given must come back from the parsed card, so a misspelled or
 *   unsupported property (which the parser drops silently) is caught too;
 * - and ChatVault's own rules: no template expression left unfilled, every Action.Execute has a
 *   known verb and a signed token, every Action.OpenUrl an absolute https address (the renderer
 *   takes any string), a password field never carries a value, no text looks like an HTML tag.
 */
export function adaptiveCardProblems(card: unknown): string[] {
  const problems: string[] = [];
  if (typeof card !== 'object' || card === null) return ['not an object'];
  const json = card as Record<string, unknown>;
  if (json.type !== 'AdaptiveCard') problems.push('type is not AdaptiveCard');
  if (json.version !== '1.5') problems.push(`version is ${String(json.version)}, not 1.5`);

  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents)
    problems.push(`validate: ${event.message}`);

  const back = parsed.toJSON() as Record<string, unknown> | undefined;
  for (const path of droppedProperties(json, back ?? {}, '')) problems.push(`dropped by the parser: ${path}`);

  walk(json, '', (node, path) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && value.includes('${'))
        problems.push(`unfilled expression at ${path}.${key}`);
      // Renderers treat `<name>` in shown text as an HTML tag and drop it (seen in the Agents
      // Playground's renderer): "admins add <name>" showed as "admins add ".
      if (SHOWN_TEXT.has(key) && typeof value === 'string' && HTML_LIKE_TAG.test(value))
        problems.push(`text a renderer would drop as an HTML tag at ${path}.${key}`);
    }
    if (node.type === 'Action.Execute') {
      const verb = node.verb;
      if (typeof verb !== 'string' || !isCardVerb(verb))
        problems.push(`unknown verb at ${path}: ${String(verb)}`);
      const token = (node.data as { t?: unknown } | undefined)?.t;
      if (typeof token !== 'string' || token.length === 0) problems.push(`no token at ${path}`);
    }
    if (node.type === 'Action.OpenUrl' && !isHttpsUrl(node.url)) problems.push(`not an https url at ${path}`);
    if (node.type === 'Input.Text' && node.style === 'Password' && node.value !== undefined)
      problems.push(`password field with a value at ${path}`);
  });
  return problems;
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Properties whose string is shown as text (TextBlock, TextRun, Fact). */
const SHOWN_TEXT = new Set(['text', 'title', 'value']);
const HTML_LIKE_TAG = /<\/?[a-z][^<>]*>/i;

/** Paths of `given` that the parsed card's JSON lacks. */
function droppedProperties(given: unknown, back: unknown, path: string): string[] {
  if (Array.isArray(given)) {
    if (!Array.isArray(back)) return [path];
    return given.flatMap((item, i) => droppedProperties(item, back[i], `${path}[${i}]`));
  }
  if (typeof given !== 'object' || given === null) return [];
  if (typeof back !== 'object' || back === null) return [path];
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    // Action data is the bot's own and is kept as it is; `$schema` is for editors.
    if (key === '$schema') continue;
    if (!(key in back)) {
      if (!isDefaultValue(key, value)) dropped.push(`${path}.${key}`);
      continue;
    }
    if (key === 'data') continue;
    dropped.push(...droppedProperties(value, (back as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return dropped;
}

/** Properties the serializer leaves out when they hold the default value. */
function isDefaultValue(key: string, value: unknown): boolean {
  const defaults: Record<string, unknown[]> = {
    wrap: [false],
    isSubtle: [false],
    isRequired: [false],
    separator: [false],
    spacing: ['Default', 'default'],
    color: ['Default', 'default'],
    size: ['Default', 'default'],
    weight: ['Default', 'default'],
    style: ['default', 'Default'],
    width: ['stretch', 'auto'],
    value: [''],
    valueOn: ['true'],
    valueOff: ['false'],
  };
  return defaults[key]?.includes(value) ?? false;
}

function walk(
  node: unknown,
  path: string,
  visit: (node: Record<string, unknown>, path: string) => void,
): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${path}[${i}]`, visit));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  visit(record, path);
  for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`, visit);
}
