import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding ChatVault's package.json, found upward from this file: the same answer when
 * run from the TypeScript sources (tests) and from the compiled `dist/` (npm start).
 */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'appPackage'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no ChatVault project folder above ${from}`);
  }
}
