import { AppPackageError } from './app-package-error';
import type { TeamsEnvVars } from './teams-env-files';

/** A rendered manifest: parsed JSON, every `${{VAR}}` replaced. */
export type RenderedManifest = Record<string, unknown>;

export interface RenderResult {
  manifest: RenderedManifest;
  /** Every variable the template uses, sorted. */
  used: string[];
  /** Used variables that are defined but empty: legal (APP_NAME_SUFFIX), often not yet provisioned. */
  empty: string[];
}

// Teams Toolkit's placeholder: ${{NAME}}, spaces allowed inside the braces.
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces each `${{VAR}}` in the manifest template with its value, as Teams Toolkit's
 * teamsApp/zipAppPackage does. A variable that is not defined at all is an error naming every such
 * variable; a defined but empty one is substituted (schema validation catches the fields that
 * cannot be empty).
 *
 * Substitution happens inside the parsed JSON's strings, so a value holding quotes or backslashes
 * cannot change the document's structure.
 */
export function renderManifest(template: string, vars: TeamsEnvVars): RenderResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch (error) {
    throw new AppPackageError(
      'invalid-template',
      `appPackage/manifest.json is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppPackageError('invalid-template', 'appPackage/manifest.json must hold a JSON object.');
  }

  const used = new Set<string>();
  const missing = new Set<string>();
  const substitute = (text: string): string =>
    text.replace(PLACEHOLDER, (_match, name: string) => {
      used.add(name);
      const value = vars[name];
      if (value === undefined) {
        missing.add(name);
        return '';
      }
      return value;
    });
  const manifest = mapStrings(parsed, substitute) as RenderedManifest;

  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new AppPackageError(
      'missing-variables',
      `The manifest uses ${names.length === 1 ? 'a variable' : 'variables'} that no environment file defines: ` +
        `${names.join(', ')}. Add ${names.length === 1 ? 'it' : 'them'} to env/.env.<env> ` +
        '(or env/.env.<env>.user for secrets), or provision the environment with Teams Toolkit.',
      names,
    );
  }
  const leftover = findStrings(manifest, (s) => s.includes('${{'));
  if (leftover.length > 0) {
    throw new AppPackageError(
      'invalid-template',
      `appPackage/manifest.json has malformed placeholders (expected \${{NAME}}): ${leftover.join('; ')}`,
      leftover,
    );
  }
  const names = [...used].sort();
  return { manifest, used: names, empty: names.filter((n) => vars[n] === '') };
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

function findStrings(value: unknown, test: (s: string) => boolean): string[] {
  if (typeof value === 'string') return test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => findStrings(v, test));
  if (value !== null && typeof value === 'object')
    return Object.values(value).flatMap((v) => findStrings(v, test));
  return [];
}
