// A small evaluator for the filter languages the ERP doubles accept: OData `$filter`
// (`eq gt ge lt le ne and or`, `datetime'…'`, `datetimeoffset'…'`, `time'PT…'`, bare ISO
// timestamps) and SuiteQL WHERE clauses (`= > >= < <= <> AND OR`, `TO_TIMESTAMP('…', 'fmt')`).
// Timestamps become epoch ms, times of day ms since midnight, so comparisons are numeric.

export type Value = string | number | boolean | null;
export type Resolve = (name: string) => Value;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; op: string; left: Operand; right: Operand };
type Operand = { ident: string } | { literal: Value };

const comparisons: Record<string, string> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'gt',
  ge: 'ge',
  lt: 'lt',
  le: 'le',
  '=': 'eq',
  '<>': 'ne',
  '!=': 'ne',
  '>': 'gt',
  '>=': 'ge',
  '<': 'lt',
  '<=': 'le',
};

const tokenPattern =
  /\s*(\(|\)|,|<>|!=|>=|<=|=|>|<|(?:datetimeoffset|datetime|time)'[^']*'|'(?:[^']|'')*'|\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})|-?\d+(?:\.\d+)?|[A-Za-z_][\w./]*)/y;

export function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.trimEnd().length) {
    const match = tokenPattern.exec(text);
    if (!match?.[1]) throw new Error(`cannot parse filter at ${tokenPattern.lastIndex}: ${text}`);
    tokens.push(match[1]);
  }
  return tokens;
}

/** `PT09H30M05S` → ms since midnight. */
export function timeOfDayMs(text: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (!m) throw new Error(`not an Edm.Time: ${text}`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

function utcMs(text: string): number {
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${text}`);
  return ms;
}

function literalOf(token: string): Value | undefined {
  const typed = /^(datetimeoffset|datetime|time)'([^']*)'$/.exec(token);
  if (typed) return typed[1] === 'time' ? timeOfDayMs(typed[2] ?? '') : utcMs(typed[2] ?? '');
  if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
  if (/^\d{4}-\d{2}-\d{2}T/.test(token)) return utcMs(token);
  if (/^-?\d/.test(token)) return Number(token);
  if (token === 'null') return null;
  return undefined;
}

class Parser {
  #i = 0;
  readonly #tokens: string[];
  constructor(tokens: string[]) {
    this.#tokens = tokens;
  }

  parse(): Node {
    const node = this.#or();
    if (this.#i < this.#tokens.length) throw new Error(`unexpected ${this.#tokens[this.#i]}`);
    return node;
  }

  #peek(): string | undefined {
    return this.#tokens[this.#i];
  }

  #next(): string {
    const token = this.#tokens[this.#i++];
    if (token === undefined) throw new Error('filter ends early');
    return token;
  }

  #or(): Node {
    let left = this.#and();
    while (this.#peek()?.toLowerCase() === 'or') {
      this.#next();
      left = { kind: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): Node {
    let left = this.#primary();
    while (this.#peek()?.toLowerCase() === 'and') {
      this.#next();
      left = { kind: 'and', left, right: this.#primary() };
    }
    return left;
  }

  #primary(): Node {
    if (this.#peek() === '(') {
      this.#next();
      const inner = this.#or();
      if (this.#next() !== ')') throw new Error('missing )');
      return inner;
    }
    const left = this.#operand();
    const op = comparisons[this.#next()];
    if (op === undefined) throw new Error('expected a comparison');
    return { kind: 'cmp', op, left, right: this.#operand() };
  }

  #operand(): Operand {
    const token = this.#next();
    if (token.toUpperCase() === 'TO_TIMESTAMP') {
      this.#next(); // (
      const text = literalOf(this.#next());
      this.#next(); // ,
      this.#next(); // format: the doubles accept 'YYYY-MM-DD HH24:MI:SS' only
      if (this.#next() !== ')') throw new Error('TO_TIMESTAMP takes two arguments');
      return { literal: utcMs(String(text)) };
    }
    const literal = literalOf(token);
    return literal === undefined ? { ident: token } : { literal };
  }
}

export function parseFilter(text: string): Node {
  return new Parser(tokensOf(text)).parse();
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || b === null) return false;
  if (op === 'gt') return a > b;
  if (op === 'ge') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}

export function evaluate(node: Node, resolve: Resolve): boolean {
  if (node.kind !== 'cmp') {
    const left = evaluate(node.left, resolve);
    return node.kind === 'and'
      ? left && evaluate(node.right, resolve)
      : left || evaluate(node.right, resolve);
  }
  const value = (o: Operand): Value => ('ident' in o ? resolve(o.ident) : o.literal);
  return compare(node.op, value(node.left), value(node.right));
}
