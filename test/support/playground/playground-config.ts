import {
  agentsPlaygroundConfig,
  type PlaygroundConfig,
  type PlaygroundPerson,
} from '../../../cli/app/agents-playground-config';

export {
  agentsPlaygroundConfig,
  playgroundUser,
  writePlaygroundConfig,
  type PlaygroundConfig,
  type PlaygroundPerson,
  type PlaygroundTenant,
  type PlaygroundUser,
} from '../../../cli/app/agents-playground-config';

function person(n: number, given: string, surname: string): PlaygroundPerson {
  return {
    id: `7a3e9c10-0b4d-4e8f-9a21-10000000000${n}`,
    upn: `${given.toLowerCase()}.${surname.toLowerCase()}@contoso.example`,
    displayName: `${given} ${surname}`,
  };
}

/**
 * The harness's default mock tenant, for bots that are not ChatVault's: made-up people of a made-up
 * tenant, every id a well-formed GUID. ChatVault's own e2e tests use a simulated tenant instead.
 */
export const DEFAULT_PLAYGROUND_CONFIG: PlaygroundConfig = agentsPlaygroundConfig({
  id: '3f6b2c1e-8d4a-4b7e-9c05-1a2b3c4d5e6f',
  user: person(0, 'Avery', 'Admin'),
  others: [
    person(1, 'Blake', 'Ito'),
    person(2, 'Casey', 'Novak'),
    person(3, 'Devon', 'Reyes'),
    person(4, 'Emery', 'Okafor'),
    person(5, 'Finley', 'Sato'),
  ],
});
