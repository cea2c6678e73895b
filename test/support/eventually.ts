import assert from 'node:assert/strict';

/** Polls until `check` holds (a run finishing, an audit entry written); fails after `attempts` looks, never on elapsed time alone. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  attempts = 600,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what} did not happen; last seen: ${JSON.stringify(last)}`);
}
