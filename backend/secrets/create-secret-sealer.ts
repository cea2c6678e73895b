import type { AppConfig } from '../config/config';
import { EnvelopeSealer } from './envelope-sealer';
import { loadOrCreateKeyFile } from './key-file';
import { LocalKeyWrapper } from './local-key-wrapper';
import type { SecretSealer } from './secret-sealer';

/** The sealer the configuration asks for: a configured key, or the embedded default's key file. */
export function createSecretSealer(sealing: AppConfig['sealing']): SecretSealer {
  switch (sealing.kind) {
    case 'key':
      return new EnvelopeSealer(new LocalKeyWrapper(sealing.key));
    case 'keyFile':
      return new EnvelopeSealer(new LocalKeyWrapper(loadOrCreateKeyFile(sealing.file)));
    default:
      return assertNever(sealing);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled sealing configuration: ${JSON.stringify(value)}`);
}
