import { PNG } from 'pngjs';
import { sha256Hex } from '../state/graph-ids';
import { SeedRandom } from './seed-random';

/** A real PNG the seed shares in chats as an inline image. */
export interface SeedImage {
  bytes: Buffer;
  sha256: string;
  width: number;
  height: number;
  contentType: 'image/png';
}

/**
 * `count` distinct PNGs drawn from the seed (gradients with a few rectangles). Messages reuse
 * them, so a tenant holds many hosted contents over few distinct blobs, as real tenants do when
 * the same screenshot or logo is pasted again: content-addressed storage has to dedupe them.
 */
export function seedImages(seed: string, count: number): SeedImage[] {
  const rng = new SeedRandom(`${seed}:images`);
  const images: SeedImage[] = [];
  for (let i = 0; i < count; i++) {
    const width = rng.range(24, 96);
    const height = rng.range(24, 96);
    const png = new PNG({ width, height });
    const [r0, g0, b0] = [rng.int(256), rng.int(256), rng.int(256)];
    const [r1, g1, b1] = [rng.int(256), rng.int(256), rng.int(256)];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x + y) / (width + height);
        const o = (y * width + x) * 4;
        png.data[o] = Math.round(r0 + (r1 - r0) * t);
        png.data[o + 1] = Math.round(g0 + (g1 - g0) * t);
        png.data[o + 2] = Math.round(b0 + (b1 - b0) * t);
        png.data[o + 3] = 255;
      }
    }
    for (let k = rng.range(1, 4); k > 0; k--) {
      const [x0, y0] = [rng.int(width), rng.int(height)];
      const [w, h] = [rng.range(4, width / 2), rng.range(4, height / 2)];
      const color = [rng.int(256), rng.int(256), rng.int(256)];
      for (let y = y0; y < Math.min(height, y0 + h); y++) {
        for (let x = x0; x < Math.min(width, x0 + w); x++) {
          const o = (y * width + x) * 4;
          png.data[o] = color[0]!;
          png.data[o + 1] = color[1]!;
          png.data[o + 2] = color[2]!;
        }
      }
    }
    const bytes = PNG.sync.write(png);
    images.push({ bytes, sha256: sha256Hex(bytes), width, height, contentType: 'image/png' });
  }
  return images;
}
