import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { drawColorIcon, drawOutlineIcon } from '../../appPackage/draw-icons';
import { checkIcon, countColouredPixels } from './icon-rules';

const appDir = resolve(__dirname, '..', '..', 'appPackage');
const committed = (name: string) => readFileSync(join(appDir, name));

function png(size: number, rgba: [number, number, number, number]): PNG {
  const image = new PNG({ width: size, height: size });
  for (let i = 0; i < image.data.length; i += 4) image.data.set(rgba, i);
  return image;
}

describe('app icons', () => {
  it('commits a 192x192 colour icon and a 32x32 outline icon', () => {
    const color = PNG.sync.read(committed('color.png'));
    const outline = PNG.sync.read(committed('outline.png'));
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
  });

  it('draws the outline only in white on transparent, and draws something', () => {
    const outline = PNG.sync.read(committed('outline.png'));
    let visible = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      if (a > 0) {
        visible++;
        assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i / 4} is visible and not white`);
      }
    }
    assert.ok(visible > 32 * 32 * 0.15, `only ${visible} visible pixels`);
    assert.ok(visible < 32 * 32 * 0.85, `${visible} visible pixels: the outline is filled`);
  });

  it('commits the icons appPackage/draw-icons.ts draws (run it after changing the drawing)', () => {
    assert.ok(PNG.sync.read(committed('color.png')).data.equals(drawColorIcon().data));
    assert.ok(PNG.sync.read(committed('outline.png')).data.equals(drawOutlineIcon().data));
  });

  it("fills the colour icon's background with the manifest's accentColor", () => {
    const manifest = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8')) as {
      accentColor: string;
    };
    const color = PNG.sync.read(committed('color.png'));
    const corner = [...color.data.subarray(0, 3)].map((v) => v.toString(16).padStart(2, '0')).join('');
    assert.equal(`#${corner}`.toLowerCase(), manifest.accentColor.toLowerCase());
  });

  it('passes the committed icons', () => {
    assert.deepEqual(checkIcon('color', committed('color.png')), []);
    assert.deepEqual(checkIcon('outline', committed('outline.png')), []);
  });
});

describe('checkIcon', () => {
  it('refuses an icon of the wrong size', () => {
    assert.deepEqual(checkIcon('color', PNG.sync.write(png(190, [1, 2, 3, 255]))), [
      'is 190x190; Teams requires 192x192',
    ]);
    assert.deepEqual(checkIcon('outline', PNG.sync.write(png(192, [255, 255, 255, 0]))), [
      'is 192x192; Teams requires 32x32',
    ]);
  });

  it('refuses an outline icon with visible pixels that are not white', () => {
    const image = png(32, [255, 255, 255, 0]);
    image.data.set([255, 255, 254, 1], 0);
    image.data.set([0, 0, 0, 255], 4);
    assert.equal(countColouredPixels(image), 2);
    assert.match(
      checkIcon('outline', PNG.sync.write(image)).join(),
      /has 2 visible pixels that are not white/,
    );
  });

  it('lets invisible pixels be any colour, and the colour icon be any colour', () => {
    assert.deepEqual(checkIcon('outline', PNG.sync.write(png(32, [0, 0, 0, 0]))), []);
    assert.deepEqual(checkIcon('color', PNG.sync.write(png(192, [30, 79, 163, 255]))), []);
  });

  it('refuses bytes that are not a PNG', () => {
    assert.match(checkIcon('color', Buffer.from('GIF89a')).join(), /is not a readable PNG/);
  });
});
