import { SPECIALS } from './seed-specials';

/** What a seeded tenant looks like: its identity and its size. */

export interface SeedSizes {
  /** Directory users, guests and the unlicensed and disabled accounts included. */
  users: number;
  chats: number;
  /** Messages of every kind, system event messages included. */
  messages: number;
  /** How far back the history goes, ending at `endMs`. */
  spanDays: number;
}

export interface SeedTenantOptions extends Partial<SeedSizes> {
  /** Everything generated (ids, names, texts, images, times) follows from this string. */
  seed: string;
  domain: string;
  displayName: string;
  /** Derived from the seed when absent. */
  tenantId?: string;
  /** The newest possible message time; the state's clock when absent (pass it for repeatable seeds). */
  endMs?: number;
  /** Rows per transaction. */
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (messagesWritten: number, messagesTotal: number) => void;
}

export const DEFAULT_SIZES: SeedSizes = { users: 50, chats: 400, messages: 50_000, spanDays: 730 };

export const DEFAULT_BATCH_SIZE = 5000;

/**
 * Smallest sizes that still hold every special case the seed plants (seed-specials.ts): a guest,
 * a disabled and an unlicensed user beside ordinary ones, the five role chats, a slot per case.
 */
export const MIN_SIZES_FOR_ALL_CASES: Omit<SeedSizes, 'spanDays'> = {
  users: 6,
  chats: 5,
  messages: SPECIALS.length,
};

export function resolveSizes(options: SeedTenantOptions): SeedSizes {
  const sizes: SeedSizes = {
    users: options.users ?? DEFAULT_SIZES.users,
    chats: options.chats ?? DEFAULT_SIZES.chats,
    messages: options.messages ?? DEFAULT_SIZES.messages,
    spanDays: options.spanDays ?? DEFAULT_SIZES.spanDays,
  };
  const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
  if (
    !whole(sizes.users, 2) ||
    !whole(sizes.chats, 1) ||
    !whole(sizes.messages, 0) ||
    !(sizes.spanDays > 0)
  ) {
    throw new RangeError(
      `seed sizes need users >= 2, chats >= 1, messages >= 0 (whole numbers) and spanDays > 0; got ${JSON.stringify(sizes)}`,
    );
  }
  // Message ids are creation times in ms, unique within a chat: the history needs a ms per message.
  if (sizes.spanDays * 86_400_000 < sizes.messages) {
    throw new RangeError(
      `${sizes.messages} messages do not fit in ${sizes.spanDays} days (one per millisecond at most)`,
    );
  }
  return sizes;
}

/**
 * The simulator's two tenants: `contoso`, the demo tenant at full default size, and a small
 * `fabrikam` for tests that must see one tenant's data never leak into another's. Sizes (and
 * anything else) can be overridden per tenant.
 */
export function defaultSimulatorTenants(
  overrides: { contoso?: Partial<SeedTenantOptions>; fabrikam?: Partial<SeedTenantOptions> } = {},
): SeedTenantOptions[] {
  return [
    {
      seed: 'contoso',
      domain: 'contoso.onmicrosoft.com',
      displayName: 'Contoso',
      ...DEFAULT_SIZES,
      ...overrides.contoso,
    },
    {
      seed: 'fabrikam',
      domain: 'fabrikam.onmicrosoft.com',
      displayName: 'Fabrikam',
      users: 8,
      chats: 16,
      messages: 600,
      spanDays: 365,
      ...overrides.fabrikam,
    },
  ];
}
