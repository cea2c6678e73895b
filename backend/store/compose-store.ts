/**
 * One object exposing the methods of several capability stores, each bound to its own instance:
 * how an adapter assembles `BackupStore` from its per-capability classes.
 */
export function composeStores<T extends object>(...parts: object[]): T {
  const combined: Record<string, unknown> = {};
  for (const part of parts) {
    let prototype: object | null = Object.getPrototypeOf(part) as object | null;
    while (prototype && prototype !== Object.prototype) {
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const value = (part as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof value !== 'function' || name in combined) continue;
        combined[name] = (value as (...args: unknown[]) => unknown).bind(part);
      }
      prototype = Object.getPrototypeOf(prototype) as object | null;
    }
  }
  return combined as T;
}
