/**
 * The `$filter` subset the simulated endpoints serve: comparisons of a property path with a literal,
 * joined by `and` (optionally in parentheses). Graph's chat endpoints accept nothing richer (date
 * ranges, sender and type equalities), so a general OData grammar would only let through filters
 * each route must refuse anyway; every route still decides which of these comparisons it honours.
 *
 * Valid OData outside the subset (`or`, `not`, functions, lambdas) is reported as unsupported, text
 * that is not OData at all as malformed: Graph answers both with 400, with different wording.
 */

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterLiteral =
  | { kind: 'string'; value: string }
  /**
   * `ms` is the instant truncated to whole milliseconds; `subMs` says digits beyond the millisecond
   * were not zero (Graph timestamps carry up to 7 fractional digits), so a bound can be rounded right.
   */
  | { kind: 'dateTime'; ms: number; subMs: boolean; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'null' };

export interface FilterComparison {
  /** Property path as written, segments joined by `/`, e.g. `from/user/id`. */
  property: string;
  operator: ComparisonOperator;
  literal: FilterLiteral;
}

export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

export class FilterUnsupportedError extends Error {
  override name = 'FilterUnsupportedError';
}

/** A lexical token of an OData `$filter` (shared by the comparison and startswith parsers). */
export type FilterToken =
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'comma' }
  | { kind: 'string'; value: string }
  | { kind: 'word'; value: string };

const OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set(['has', 'in', 'add', 'sub', 'mul', 'div', 'mod']);
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Parses a `$filter` value into the comparisons that must all hold. */
export function parseFilter(text: string): FilterComparison[] {
  const tokens = tokenizeFilter(text);
  if (tokens.length === 0) throw new FilterSyntaxError('The $filter expression is empty.');
  const parser = new Parser(tokens);
  const comparisons = parser.expression();
  if (!parser.done())
    throw new FilterSyntaxError(`Syntax error at position ${parser.position} in '${text}'.`);
  return comparisons;
}

/** Splits a `$filter` into tokens; a quote inside a string literal is doubled, as OData writes it. */
export function tokenizeFilter(text: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'open' });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'close' });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma' });
      i++;
    } else if (c === "'") {
      // OData escapes a quote inside a string literal by doubling it.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError(`Unterminated string literal in '${text}'.`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', value });
    } else {
      const start = i;
      while (i < text.length && !" \t\n\r(),'".includes(text[i])) i++;
      tokens.push({ kind: 'word', value: text.slice(start, i) });
    }
  }
  return tokens;
}

class Parser {
  position = 0;

  constructor(private readonly tokens: FilterToken[]) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  expression(): FilterComparison[] {
    const comparisons = this.term();
    for (;;) {
      const next = this.tokens[this.position];
      if (next?.kind !== 'word') return comparisons;
      if (next.value === 'and') {
        this.position++;
        comparisons.push(...this.term());
      } else if (next.value === 'or') {
        throw new FilterUnsupportedError("The 'or' operator is not supported in this $filter.");
      } else {
        return comparisons;
      }
    }
  }

  private term(): FilterComparison[] {
    const token = this.take('a comparison');
    if (token.kind === 'open') {
      const inner = this.expression();
      if (this.take("')'").kind !== 'close') throw new FilterSyntaxError("Expected ')' in $filter.");
      return inner;
    }
    if (token.kind !== 'word') throw new FilterSyntaxError('Expected a property name in $filter.');
    if (token.value === 'not')
      throw new FilterUnsupportedError("The 'not' operator is not supported in this $filter.");
    if (this.tokens[this.position]?.kind === 'open') {
      throw new FilterUnsupportedError(`'${token.value}(...)' is not supported in this $filter.`);
    }
    if (!PATH.test(token.value)) throw new FilterSyntaxError(`'${token.value}' is not a property name.`);
    const operator = this.take('an operator');
    if (operator.kind !== 'word') throw new FilterSyntaxError(`Expected an operator after '${token.value}'.`);
    if (UNSUPPORTED_OPERATORS.has(operator.value)) {
      throw new FilterUnsupportedError(`The '${operator.value}' operator is not supported in this $filter.`);
    }
    if (!OPERATORS.has(operator.value))
      throw new FilterSyntaxError(`'${operator.value}' is not an operator.`);
    const literal = parseLiteral(this.take('a value'));
    return [{ property: token.value, operator: operator.value as ComparisonOperator, literal }];
  }

  private take(expected: string): FilterToken {
    const token = this.tokens[this.position];
    if (!token) throw new FilterSyntaxError(`The $filter expression ends where ${expected} was expected.`);
    this.position++;
    return token;
  }
}

function parseLiteral(token: FilterToken): FilterLiteral {
  if (token.kind === 'string') return { kind: 'string', value: token.value };
  if (token.kind !== 'word') throw new FilterSyntaxError('Expected a value in $filter.');
  const text = token.value;
  if (text === 'true' || text === 'false') return { kind: 'boolean', value: text === 'true' };
  if (text === 'null') return { kind: 'null' };
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) {
    const [, whole, fraction = '', zone] = dateTime;
    const ms = Date.parse(`${whole}.${fraction.slice(0, 3).padEnd(3, '0')}${zone}`);
    if (Number.isNaN(ms)) throw new FilterSyntaxError(`'${text}' is not a valid DateTimeOffset.`);
    return { kind: 'dateTime', ms, subMs: /[1-9]/.test(fraction.slice(3)), text };
  }
  throw new FilterSyntaxError(`'${text}' is not a valid literal.`);
}

/** Exclusive lower bound in whole milliseconds for `property gt literal`. */
export function exclusiveLowerBound(literal: Extract<FilterLiteral, { kind: 'dateTime' }>): number {
  // t > x.ms + ε  <=>  t >= x.ms + 1  <=>  t > x.ms, for whole-millisecond t.
  return literal.ms;
}

/** Exclusive upper bound in whole milliseconds for `property lt literal`. */
export function exclusiveUpperBound(literal: Extract<FilterLiteral, { kind: 'dateTime' }>): number {
  // t < x.ms + ε  <=>  t <= x.ms  <=>  t < x.ms + 1, for whole-millisecond t.
  return literal.subMs ? literal.ms + 1 : literal.ms;
}
