// Cross-field rules written once: each carries the CEL expression the API server evaluates
// (`x-kubernetes-validations`) and the same check in TypeScript, so the operator and the
// runtime judge an object exactly like the server does.
import type { z } from 'zod';

export interface Rule<T> {
  /** CEL over `self` (this node); `oldSelf` makes it a transition rule, checked on update only. */
  rule: string;
  /** Names the field and says what to write instead. */
  message: string;
  /** Field the server reports the error on, relative to this node, e.g. `.schedule`. */
  fieldPath?: string;
  /** The same rule in TypeScript; absent for transition rules, which need the old object. */
  holds?: (value: T) => boolean;
}

interface CelValidation {
  rule: string;
  message: string;
  fieldPath?: string;
}

function celOf<T>({ rule, message, fieldPath }: Rule<T>): CelValidation {
  return fieldPath === undefined ? { rule, message } : { rule, message, fieldPath };
}

function issuePath(fieldPath: string | undefined): string[] {
  return fieldPath === undefined ? [] : fieldPath.split('.').filter((part) => part !== '');
}

/** Attaches rules to a schema: zod checks them on parse, the generator emits them as CEL. */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule<z.output<S>>[]): S {
  const checked = schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      if (rule.holds && !rule.holds(value)) {
        ctx.addIssue({ code: 'custom', message: rule.message, path: issuePath(rule.fieldPath) });
      }
    }
  });
  return checked.meta({ 'x-kubernetes-validations': rules.map(celOf) });
}

/** Names of the keys of `value` among `keys` that are set. */
export function setKeysOf(value: object, keys: readonly string[]): string[] {
  const record = value as Record<string, unknown>;
  return keys.filter((key) => record[key] !== undefined);
}

/** A rule that exactly one of `keys` is set on this object. */
export function exactlyOneOf<T extends object>(keys: readonly string[], where: string): Rule<T> {
  return {
    rule: `[${keys.map((k) => `has(self.${k})`).join(', ')}].filter(x, x).size() == 1`,
    message: `${where}: set exactly one of ${keys.join(', ')}`,
    holds: (value) => setKeysOf(value, keys).length === 1,
  };
}

/** A rule that at most one of `keys` is set on this object. */
export function atMostOneOf<T extends object>(keys: readonly string[], where: string): Rule<T> {
  return {
    rule: `[${keys.map((k) => `has(self.${k})`).join(', ')}].filter(x, x).size() <= 1`,
    message: `${where}: set at most one of ${keys.join(', ')}`,
    holds: (value) => setKeysOf(value, keys).length <= 1,
  };
}

/** A regular expression as a CEL string literal. */
function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A string shape checked by CEL instead of an OpenAPI `pattern`, so the server's message says
 * what to write rather than quoting the regular expression. `pattern` must be RE2-compatible.
 */
export function matchesRule(pattern: RegExp, message: string): Rule<string> {
  return {
    rule: `self.matches(${celString(pattern.source)})`,
    message,
    holds: (value) => pattern.test(value),
  };
}
