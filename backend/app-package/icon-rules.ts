import { PNG } from 'pngjs';

/** The two icons every Teams app package carries, with the sizes Teams requires. */
export const ICON_RULES = {
  color: { size: 192, whiteOnly: false },
  outline: { size: 32, whiteOnly: true },
} as const;

export type IconKind = keyof typeof ICON_RULES;

/**
 * What is wrong with an icon, by Teams' rules (app manifest docs, "icons"): the colour icon is a
 * 192x192 PNG; the outline icon is a 32x32 PNG that is white on transparent, because Teams tints it.
 * Returns the problems, none when the icon is fine.
 */
export function checkIcon(kind: IconKind, bytes: Buffer): string[] {
  const rule = ICON_RULES[kind];
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    return [`is not a readable PNG (${(error as Error).message})`];
  }
  const problems: string[] = [];
  if (png.width !== rule.size || png.height !== rule.size) {
    problems.push(`is ${png.width}x${png.height}; Teams requires ${rule.size}x${rule.size}`);
  }
  if (rule.whiteOnly) {
    const coloured = countColouredPixels(png);
    if (coloured > 0) {
      problems.push(`has ${coloured} visible pixels that are not white; Teams requires white on transparent`);
    }
  }
  return problems;
}

/** Pixels that show (alpha > 0) in a colour other than pure white. */
export function countColouredPixels(png: PNG): number {
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const visible = png.data[i + 3] > 0;
    const white = png.data[i] === 255 && png.data[i + 1] === 255 && png.data[i + 2] === 255;
    if (visible && !white) count++;
  }
  return count;
}
