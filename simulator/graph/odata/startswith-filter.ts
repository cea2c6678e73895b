import {
  FilterSyntaxError,
  FilterUnsupportedError,
  tokenizeFilter,
  type FilterToken,
} from './filter-expression';

/**
 * The people-picker `$filter` of the directory: `startswith(property,'prefix')` terms joined by
 * `or`, optionally in parentheses, e.g.
 *   startswith(displayName,'ad') or startswith(userPrincipalName,'ad') or startswith(mail,'ad')
 * Graph serves these on users without advanced query parameters [aad-advanced-queries, filter
 * support table]. A filter that mixes them with anything else (`and`, comparisons, `not`) is
 * outside what the simulator serves and is reported as unsupported.
 */
export interface StartsWithTerm {
  /** The property as written in the request. */
  property: string;
  prefix: string;
}

type Token = FilterToken;

const SHAPE = /^[\s(]*startswith\s*\(/i;

/** The terms of a startswith disjunction; undefined when `text` is not one (let the comparison parser judge it). */
export function parseStartsWithFilter(text: string): StartsWithTerm[] | undefined {
  if (!SHAPE.test(text)) return undefined;
  const parser = new Parser(tokenizeFilter(text), text);
  const terms = parser.disjunction();
  if (!parser.done()) {
    const next = parser.peek();
    if (next?.kind === 'word' && next.value.toLowerCase() === 'and') {
      throw new FilterUnsupportedError(
        "startswith joined by 'and' is not supported in this $filter; use 'or'.",
      );
    }
    throw new FilterSyntaxError(`Syntax error at position ${parser.position} in '${text}'.`);
  }
  return terms;
}

class Parser {
  position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  disjunction(): StartsWithTerm[] {
    const terms = this.group();
    for (;;) {
      const next = this.peek();
      if (next?.kind !== 'word' || next.value.toLowerCase() !== 'or') return terms;
      this.position++;
      terms.push(...this.group());
    }
  }

  private group(): StartsWithTerm[] {
    const token = this.take('startswith(…)');
    if (token.kind === 'open') {
      const inner = this.disjunction();
      if (this.take("')'").kind !== 'close') throw new FilterSyntaxError("Expected ')' in $filter.");
      return inner;
    }
    if (token.kind !== 'word') throw new FilterSyntaxError(`Expected startswith(…) in '${this.text}'.`);
    if (token.value.toLowerCase() !== 'startswith') {
      throw new FilterUnsupportedError(
        `'${token.value}' is not supported in this $filter: only startswith(…) terms joined by 'or'.`,
      );
    }
    if (this.take("'('").kind !== 'open') throw new FilterSyntaxError("Expected '(' after startswith.");
    const property = this.take('a property name');
    if (property.kind !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(property.value)) {
      throw new FilterSyntaxError('startswith takes a property name first.');
    }
    if (this.take("','").kind !== 'comma') throw new FilterSyntaxError("Expected ',' in startswith(…).");
    const prefix = this.take('a string');
    if (prefix.kind !== 'string') throw new FilterSyntaxError('startswith takes a quoted string second.');
    if (this.take("')'").kind !== 'close')
      throw new FilterSyntaxError("Expected ')' after startswith's string.");
    return [{ property: property.value, prefix: prefix.value }];
  }

  private take(expected: string): Token {
    const token = this.tokens[this.position];
    if (!token) throw new FilterSyntaxError(`The $filter expression ends where ${expected} was expected.`);
    this.position++;
    return token;
  }
}
