import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { AppPackageError } from './app-package-error';
import { checkIcon, type IconKind } from './icon-rules';
import { validateManifest } from './manifest-schema';
import { renderManifest, type RenderedManifest } from './render-manifest';
import { loadTeamsEnv, type TeamsEnvVars } from './teams-env-files';

export interface BuildAppPackageOptions {
  /** Project root, holding `appPackage/` and `env/`. */
  root: string;
  /** Teams Toolkit environment name: `local`, `dev`, … */
  env: string;
  /** Where the zip goes. Default: `appPackage/build` under root, where Teams Toolkit puts it too. */
  outDir?: string;
  /** Laid over the env files (the CLI passes the process environment). */
  overrides?: TeamsEnvVars;
}

export interface AppPackage {
  zipFile: string;
  /** The rendered manifest, also written beside the zip as `manifest.<env>.json`. */
  manifestFile: string;
  manifest: RenderedManifest;
  /** Names inside the zip, in order. */
  entries: string[];
}

// A fixed timestamp makes the same inputs produce the same zip, byte for byte.
const ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

/**
 * Renders `appPackage/manifest.json` for one Teams Toolkit environment, checks it against the
 * manifest schema and the icons against Teams' rules, and writes the app package Teams accepts for
 * upload: a zip holding manifest.json and the two icons at its root.
 */
export async function buildAppPackage(options: BuildAppPackageOptions): Promise<AppPackage> {
  const { root, env } = options;
  const appDir = join(root, 'appPackage');
  const outDir = options.outDir ?? join(appDir, 'build');

  const vars = loadTeamsEnv({ root, env, overrides: options.overrides });
  const { manifest, empty } = renderManifest(readFileSync(join(appDir, 'manifest.json'), 'utf8'), vars);

  const problems = validateManifest(manifest);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    const hint =
      empty.length > 0
        ? `\nThese variables are empty: ${empty.join(', ')}. ` +
          `Provisioning fills them (teamsapp provision --env ${env}); or set them in env/.env.${env}.`
        : '';
    throw new AppPackageError(
      'invalid-manifest',
      `The manifest rendered for env "${env}" does not match its schema:\n${lines.join('\n')}${hint}`,
      problems.map((p) => p.path),
    );
  }

  const icons = (['color', 'outline'] as const).map((kind) => readIcon(appDir, manifest, kind));
  const manifestJson = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const files: [string, Buffer][] = [['manifest.json', manifestJson], ...icons];

  mkdirSync(outDir, { recursive: true });
  const zipFile = join(outDir, `appPackage.${env}.zip`);
  await writeZip(zipFile, files);
  const manifestFile = join(outDir, `manifest.${env}.json`);
  writeFileSync(manifestFile, manifestJson);
  return { zipFile, manifestFile, manifest, entries: files.map(([name]) => name) };
}

function readIcon(appDir: string, manifest: RenderedManifest, kind: IconKind): [string, Buffer] {
  const icons = manifest.icons as Record<string, string>;
  const name = icons[kind];
  // Icons sit next to manifest.json at the package root; a path into a folder is refused so that
  // what the manifest names and what the zip holds cannot drift apart.
  if (basename(name) !== name) {
    throw new AppPackageError(
      'invalid-icon',
      `icons.${kind} must be a file name in appPackage/ (found "${name}").`,
      [`/icons/${kind}`],
    );
  }
  const file = join(appDir, name);
  if (!existsSync(file)) {
    throw new AppPackageError(
      'invalid-icon',
      `icons.${kind} names appPackage/${name}, which does not exist (appPackage/draw-icons.ts draws the icons).`,
      [`appPackage/${name}`],
    );
  }
  const bytes = readFileSync(file);
  const problems = checkIcon(kind, bytes);
  if (problems.length > 0) {
    throw new AppPackageError('invalid-icon', `appPackage/${name} ${problems.join('; ')}.`, [
      `appPackage/${name}`,
    ]);
  }
  return [name, bytes];
}

async function writeZip(target: string, files: readonly [string, Buffer][]): Promise<void> {
  const zip = new ZipFile();
  for (const [name, bytes] of files) zip.addBuffer(bytes, name, { mtime: ENTRY_TIME });
  zip.end();
  // Written aside, then renamed, so a failed run never leaves a half-written package behind.
  const partial = `${target}.partial`;
  await pipeline(zip.outputStream, createWriteStream(partial));
  renameSync(partial, target);
}
