import type { QueryErrors } from '../graph-errors';
import {
  FilterSyntaxError,
  FilterUnsupportedError,
  parseFilter,
  type FilterComparison,
} from './filter-expression';

/** OData system query options, named as Graph reads them (lower case, with the `$`). */
export type QueryOptionName =
  | '$top'
  | '$skip'
  | '$skiptoken'
  | '$deltatoken'
  | '$filter'
  | '$orderby'
  | '$select'
  | '$expand'
  | '$count'
  | '$search'
  | '$format';

const SYSTEM_OPTIONS: ReadonlySet<string> = new Set<QueryOptionName>([
  '$top',
  '$skip',
  '$skiptoken',
  '$deltatoken',
  '$filter',
  '$orderby',
  '$select',
  '$expand',
  '$count',
  '$search',
  '$format',
]);

/** The system query options of one request, after checking each one is served by its route. */
export class QueryOptions {
  private constructor(
    private readonly values: ReadonlyMap<QueryOptionName, string>,
    readonly errors: QueryErrors,
  ) {}

  /**
   * Reads the request's query. Graph v1.0 takes system options case-insensitively and with or without
   * the `$` (`top=5` is `$top=5`); other parameters (`model=A` on the export API) are left alone.
   */
  static read(
    query: Record<string, string>,
    allowed: readonly QueryOptionName[],
    errors: QueryErrors,
  ): QueryOptions {
    const values = new Map<QueryOptionName, string>();
    for (const [key, value] of Object.entries(query)) {
      const lower = key.toLowerCase();
      const name = lower.startsWith('$') ? lower : `$${lower}`;
      if (!SYSTEM_OPTIONS.has(name)) {
        if (lower.startsWith('$')) throw errors.malformed(`The query parameter '${key}' is not supported.`);
        continue;
      }
      const option = name as QueryOptionName;
      if (!allowed.includes(option))
        throw errors.unsupported(`The query option '${option}' is not supported by this API.`);
      // A query parser may hand a repeated parameter over as a list, whatever the declared type says.
      if (values.has(option) || typeof value !== 'string') {
        throw errors.malformed(`The query option '${option}' was specified more than once.`);
      }
      values.set(option, value);
    }
    return new QueryOptions(values, errors);
  }

  get(name: QueryOptionName): string | undefined {
    return this.values.get(name);
  }

  /** `$top`: a whole number in 1..max, `fallback` when absent. */
  top(max: number, fallback: number): number {
    const raw = this.values.get('$top');
    if (raw === undefined) return fallback;
    const text = raw.trim();
    if (!/^\d+$/.test(text)) {
      throw this.errors.malformed(
        `Invalid value '${raw}' for the $top query option: a positive integer is required.`,
      );
    }
    const top = Number(text);
    if (top > max) {
      // Wording of the Teams endpoints' answer, as reported against the Graph SDKs.
      throw this.errors.malformed(
        `The query specified in the URI is not valid. The limit of '${max}' for Top query has been exceeded. ` +
          `The value from the incoming request is '${top}'.`,
      );
    }
    if (top < 1)
      throw this.errors.malformed(
        `Invalid value '${raw}' for the $top query option: it must be between 1 and ${max}.`,
      );
    return top;
  }

  /** `$filter` as comparisons joined by `and`; an empty list when absent. */
  filter(): FilterComparison[] {
    const raw = this.values.get('$filter');
    if (raw === undefined) return [];
    try {
      return parseFilter(raw);
    } catch (error) {
      if (error instanceof FilterUnsupportedError) throw this.errors.unsupported(error.message);
      if (error instanceof FilterSyntaxError)
        throw this.errors.malformed(`Invalid $filter: ${error.message}`);
      throw error;
    }
  }

  /**
   * `$orderby` of one property, descending only (the Teams list endpoints sort no other way):
   * `undefined` when absent, so a route can tell "default order" from "asked for the default order".
   */
  orderByDescending<P extends string>(properties: readonly P[]): P | undefined {
    const raw = this.values.get('$orderby');
    if (raw === undefined) return undefined;
    const match = /^\s*([A-Za-z_][A-Za-z0-9_/]*)(?:\s+(asc|desc))?\s*$/i.exec(raw);
    if (!match)
      throw this.errors.malformed(`Invalid $orderby '${raw}': one property and a direction are expected.`);
    const property = properties.find((p) => p.toLowerCase() === match[1].toLowerCase());
    if (!property) {
      throw this.errors.malformed(
        `$orderby '${match[1]}' is not supported; use one of: ${properties.join(', ')} (desc).`,
      );
    }
    // OData sorts ascending when no direction is given, and ascending order is not supported.
    if (match[2]?.toLowerCase() !== 'desc') {
      throw this.errors.malformed(`$orderby '${raw}': only descending order (desc) is supported.`);
    }
    return property;
  }

  /** `$expand` as a set of navigation properties, each one of `allowed`. */
  expand<P extends string>(allowed: readonly P[]): Set<P> {
    return new Set(this.propertyList('$expand', allowed, 'expand'));
  }

  /** `$select` in the order given, each one of `allowed`. */
  select<P extends string>(allowed: readonly P[]): P[] | undefined {
    if (this.values.get('$select') === undefined) return undefined;
    return [...new Set(this.propertyList('$select', allowed, 'select'))];
  }

  private propertyList<P extends string>(
    option: '$expand' | '$select',
    allowed: readonly P[],
    verb: string,
  ): P[] {
    const raw = this.values.get(option);
    if (raw === undefined) return [];
    const names = raw.split(',').map((name) => name.trim());
    return names.map((name): P => {
      if (!/^[A-Za-z_@][A-Za-z0-9_.]*$/.test(name)) {
        // Nested options (`members($select=…)`) and paths are valid OData this simulator does not serve.
        throw (name.includes('(') ? this.errors.unsupported : this.errors.malformed)(
          `Invalid ${option} '${raw}': cannot ${verb} '${name}' here.`,
        );
      }
      const property = allowed.find((p) => p.toLowerCase() === name.toLowerCase());
      if (!property) throw this.errors.malformed(`Could not find a property named '${name}' to ${verb}.`);
      return property;
    });
  }

  /** The skip token, decoded by `decode`; a token that does not decode is the client's error. */
  skipToken<T>(decode: (token: string) => T | undefined): T | undefined {
    return this.token('$skiptoken', decode);
  }

  deltaToken<T>(decode: (token: string) => T | undefined): T | undefined {
    return this.token('$deltatoken', decode);
  }

  private token<T>(
    option: '$skiptoken' | '$deltatoken',
    decode: (token: string) => T | undefined,
  ): T | undefined {
    const raw = this.values.get(option);
    if (raw === undefined) return undefined;
    const decoded = decode(raw);
    if (decoded === undefined)
      throw this.errors.malformed(`The ${option} '${raw}' is not valid for this request.`);
    return decoded;
  }

  /** The options to carry into an `@odata.nextLink`, in the order they were read. */
  carried(names: readonly QueryOptionName[]): [string, string][] {
    const pairs: [string, string][] = [];
    for (const name of names) {
      const value = this.values.get(name);
      if (value !== undefined) pairs.push([name, value]);
    }
    return pairs;
  }
}
