import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { AppPackageError } from './app-package-error';

/** One way the manifest breaks its schema: a JSON pointer into the manifest and what is wrong. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const compiled = new Map<string, ValidateFunction>();

/**
 * Checks a rendered manifest against the Teams manifest JSON schema of its own `manifestVersion`,
 * as published by Microsoft and shipped offline in @microsoft/app-manifest. Returns the problems,
 * none when the manifest is valid.
 */
export function validateManifest(manifest: Record<string, unknown>): SchemaProblem[] {
  const validate = validatorFor(manifest.manifestVersion);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '/' : e.instancePath,
    message: e.message === undefined ? e.keyword : `${e.message}${describeParams(e.params)}`,
  }));
}

/** Reads the schema file for a manifest version, e.g. "1.29". */
export function loadManifestSchema(version: string): Record<string, unknown> {
  const file = schemaFile(version);
  if (!existsSync(file)) {
    throw new AppPackageError(
      'unsupported-manifest-version',
      `No Teams manifest schema for manifestVersion "${version}" in @microsoft/app-manifest: ` +
        'use a version it ships, or update that package.',
      [version],
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function validatorFor(version: unknown): ValidateFunction {
  if (typeof version !== 'string' || !/^(\d+\.\d+|devPreview)$/.test(version)) {
    throw new AppPackageError(
      'unsupported-manifest-version',
      `The manifest's manifestVersion must be a schema version such as "1.29"; found ${JSON.stringify(version)}.`,
      ['/manifestVersion'],
    );
  }
  let validate = compiled.get(version);
  if (!validate) {
    // The Teams schemas declare JSON Schema draft-04 but use none of the draft-04 forms that later
    // drafts changed (boolean exclusiveMinimum/Maximum, `id`), and they use draft-06's `const`.
    // Ajv's default draft-07 dialect therefore reads them as intended once the draft-04 `$schema`
    // is removed (Ajv ships no draft-04 meta-schema).
    const { $schema: _draft, ...schema } = loadManifestSchema(version);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(schema);
    compiled.set(version, validate);
  }
  return validate;
}

function schemaFile(version: string): string {
  const root = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const folder = version === 'devPreview' ? 'vDevPreview' : `v${version}`;
  return join(root, 'build', 'json-schemas', 'teams', folder, 'MicrosoftTeams.schema.json');
}

function describeParams(params: Record<string, unknown>): string {
  if (typeof params.additionalProperty === 'string') return ` (${params.additionalProperty})`;
  if (Array.isArray(params.allowedValues)) return ` (${params.allowedValues.join(', ')})`;
  return '';
}
