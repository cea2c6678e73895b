/**
 * Draws ChatVault's two Teams app icons: a shield (the vault) holding a chat bubble.
 *
 *   npx tsx appPackage/draw-icons.ts      writes appPackage/color.png and appPackage/outline.png
 *
 * Teams requires a 192x192 full-colour icon and a 32x32 outline icon that is white on a
 * transparent background (Teams recolours it). Shapes are described in unit coordinates
 * (0..1, y down) and rasterised by supersampling, so both sizes come from one drawing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** The colour icon's background; the manifest's accentColor is the same colour. */
export const ACCENT = { r: 0x1e, g: 0x4f, b: 0xa3 } as const;

type Rgb = { r: number; g: number; b: number };
/** Whether the unit-square point (x, y) lies inside a shape. */
type Shape = (x: number, y: number) => boolean;

interface ShieldGeometry {
  top: number;
  shoulder: number;
  bottom: number;
  halfWidth: number;
  /** How far the top edge's corners sit below its middle, which gives the crest its curve. */
  crest: number;
}

/** The colour icon keeps its symbol inside the middle 120x120 px, away from Teams' rounded crop. */
const COLOR_SHIELD: ShieldGeometry = {
  top: 0.18,
  shoulder: 0.47,
  bottom: 0.84,
  halfWidth: 0.28,
  crest: 0.05,
};
/** At 32 px the edges sit on whole pixels (5 px side margin, 3 px top) and the top is flat, to stay crisp. */
const OUTLINE_SHIELD: ShieldGeometry = {
  top: 3 / 32,
  shoulder: 15 / 32,
  bottom: 29.5 / 32,
  halfWidth: 11 / 32,
  crest: 0,
};

function shield(g: ShieldGeometry): Shape {
  return (x, y) => {
    const dx = Math.abs(x - 0.5);
    if (dx > g.halfWidth) return false;
    const edge = dx / g.halfWidth;
    if (y < g.top + g.crest * edge * edge) return false;
    if (y <= g.shoulder) return true;
    const t = (y - g.shoulder) / (g.bottom - g.shoulder);
    // 1 - t^1.8 keeps the sides vertical where they leave the shoulder and meets in a point.
    return t <= 1 && dx <= g.halfWidth * (1 - Math.pow(t, 1.8));
  };
}

/** The same shield shrunk by `inset` on every side, for drawing its rim. */
function insetShield(g: ShieldGeometry, inset: number): ShieldGeometry {
  return {
    top: g.top + inset,
    shoulder: g.shoulder,
    // The point is acute, so the inner point sits further up than the side inset.
    bottom: g.bottom - inset * 2.2,
    halfWidth: g.halfWidth - inset,
    crest: g.crest,
  };
}

function roundedRect(cx: number, cy: number, w: number, h: number, radius: number): Shape {
  return (x, y) => {
    const qx = Math.abs(x - cx) - (w / 2 - radius);
    const qy = Math.abs(y - cy) - (h / 2 - radius);
    if (qx <= 0 || qy <= 0) return qx <= radius && qy <= radius;
    return qx * qx + qy * qy <= radius * radius;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) =>
    (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const s1 = side(ax, ay, bx, by, x, y);
    const s2 = side(bx, by, cx, cy, x, y);
    const s3 = side(cx, cy, ax, ay, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

function circle(cx: number, cy: number, radius: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));
const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);

/** A speech bubble centred at (cx, cy) with its tail at the lower left. */
function chatBubble(cx: number, cy: number, w: number, h: number): Shape {
  const bottom = cy + h / 2;
  return union(
    roundedRect(cx, cy, w, h, h * 0.3),
    triangle(cx - w * 0.3, bottom - 0.01, cx - w * 0.02, bottom - 0.01, cx - w * 0.4, bottom + h * 0.42),
  );
}

/** Fraction of the pixel (px, py) covered by `shape`, from samples x samples points. */
function coverage(shape: Shape, px: number, py: number, size: number, samples: number): number {
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < samples; j++) {
      if (shape((px + (i + 0.5) / samples) / size, (py + (j + 0.5) / samples) / size)) inside++;
    }
  }
  return inside / (samples * samples);
}

function blank(size: number): PNG {
  return new PNG({ width: size, height: size });
}

/** Paints `shape` in `color` over what is there, anti-aliased. */
function paint(png: PNG, shape: Shape, color: Rgb, samples: number): void {
  const size = png.width;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const a = coverage(shape, px, py, size, samples);
      if (a === 0) continue;
      const i = (py * size + px) * 4;
      png.data[i] = Math.round(color.r * a + png.data[i] * (1 - a));
      png.data[i + 1] = Math.round(color.g * a + png.data[i + 1] * (1 - a));
      png.data[i + 2] = Math.round(color.b * a + png.data[i + 2] * (1 - a));
      png.data[i + 3] = Math.round(255 * a + png.data[i + 3] * (1 - a));
    }
  }
}

const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** 192x192, opaque: a white shield on the accent colour, an accent chat bubble inside it. */
export function drawColorIcon(): PNG {
  const png = blank(COLOR_ICON_SIZE);
  const all: Shape = () => true;
  paint(png, all, ACCENT, 1);
  paint(png, shield(COLOR_SHIELD), WHITE, 4);
  paint(png, chatBubble(0.5, 0.445, 0.32, 0.19), ACCENT, 4);
  for (const x of [0.42, 0.5, 0.58]) paint(png, circle(x, 0.445, 0.024), WHITE, 4);
  return png;
}

/** 32x32: the shield's rim and a bubble with three dots cut out, white on transparent. */
export function drawOutlineIcon(): PNG {
  const png = blank(OUTLINE_ICON_SIZE);
  const rim = minus(shield(OUTLINE_SHIELD), shield(insetShield(OUTLINE_SHIELD, 2 / OUTLINE_ICON_SIZE)));
  // Only the alpha channel varies: every pixel stays white, as Teams requires of outline icons.
  png.data.fill(255);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 0;
  const dots = union(...[13, 16, 19].map((x) => circle(x / 32, 13 / 32, 1.1 / 32)));
  paint(png, union(rim, minus(chatBubble(0.5, 13 / 32, 12 / 32, 8 / 32), dots)), WHITE, 8);
  return png;
}

function main(): void {
  const dir = __dirname;
  writeFileSync(join(dir, 'color.png'), PNG.sync.write(drawColorIcon()));
  writeFileSync(join(dir, 'outline.png'), PNG.sync.write(drawOutlineIcon()));
  process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
}

if (require.main === module) main();
