// Turns a zod schema into a Kubernetes structural schema: z.toJSONSchema gives OpenAPI-ish JSON
// Schema, and this walks it into what the apiserver accepts (a type on every node, no
// additionalProperties: false, no propertyNames or const, unions only as int-or-string). It
// throws on anything it cannot carry faithfully, and on a field without a description.
import { z } from 'zod';

export interface JsonSchemaProps {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaProps>;
  items?: JsonSchemaProps;
  additionalProperties?: JsonSchemaProps;
  required?: string[];
  [key: string]: unknown;
}

/** Keys a structural schema keeps as they are. */
const kept = new Set([
  'type',
  'format',
  'description',
  'required',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'nullable',
]);
/** Keys JSON Schema has and a structural schema must not. */
const dropped = new Set(['$schema', 'propertyNames', 'id', 'title']);

function fail(path: string, problem: string): never {
  throw new Error(`structural schema at ${path || '<root>'}: ${problem}`);
}

function isSafeIntegerBound(key: string, value: unknown): boolean {
  return (
    (key === 'minimum' || key === 'maximum') &&
    (value === Number.MAX_SAFE_INTEGER || value === Number.MIN_SAFE_INTEGER)
  );
}

function convertNested(key: string, value: unknown, path: string): unknown {
  if (key === 'properties') {
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(
      entries.map(([name, child]) => [name, convertNode(child, `${path}.${name}`, true)]),
    );
  }
  if (key === 'items') return convertNode(value, `${path}[]`, false);
  return convertNode(value, `${path}.*`, false);
}

function isOpenMap(key: string, value: unknown, node: Record<string, unknown>): boolean {
  return (
    key === 'additionalProperties' &&
    (value === false || node['x-kubernetes-preserve-unknown-fields'] === true)
  );
}

function isDropped(key: string, value: unknown, node: Record<string, unknown>): boolean {
  return (
    dropped.has(key) ||
    isSafeIntegerBound(key, value) ||
    isOpenMap(key, value, node) ||
    (key === 'pattern' && node.format === 'date-time') // the server checks date-time itself
  );
}

const nested = new Set(['properties', 'items', 'additionalProperties']);

function convertKey(
  key: string,
  value: unknown,
  node: Record<string, unknown>,
  path: string,
): [string, unknown][] {
  if (isDropped(key, value, node)) return [];
  if (key === 'const') return [['enum', [value]]];
  if (nested.has(key)) return [[key, convertNested(key, value, path)]];
  if (key.startsWith('x-kubernetes-') || kept.has(key)) return [[key, value]];
  return fail(path, `"${key}" has no structural equivalent`);
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function convertIntOrString(node: Record<string, unknown>): JsonSchemaProps {
  const { description } = node;
  return {
    'x-kubernetes-int-or-string': true,
    ...(typeof description === 'string' ? { description } : {}),
  };
}

function checkNode(node: Record<string, unknown>, path: string, isField: boolean): void {
  if ('$ref' in node || '$defs' in node) fail(path, 'a reused or recursive schema: inline it');
  if ('anyOf' in node || 'oneOf' in node || 'allOf' in node) {
    fail(path, 'a union: write optional properties with an exactlyOneOf rule instead');
  }
  if (isField && typeof node.description !== 'string') fail(path, 'a field without a description');
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (typeof node.type !== 'string' && !preserve) fail(path, 'a node without a type');
}

function convertNode(input: unknown, path: string, isField: boolean): JsonSchemaProps {
  const node = input as Record<string, unknown>;
  if (node['x-kubernetes-int-or-string'] === true) return convertIntOrString(node);
  checkNode(node, path, isField);
  const out: JsonSchemaProps = {};
  for (const [key, value] of Object.entries(node)) {
    for (const [outKey, outValue] of convertKey(key, value, node, path)) out[outKey] = outValue;
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    out.type ??= 'object';
    if (isEmpty(out.properties)) delete out.properties;
  }
  return out;
}

/** The structural schema of a zod schema, as the apiserver wants it (input side: defaults optional). */
export function structuralSchemaFor(schema: z.ZodType, path: string): JsonSchemaProps {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    reused: 'inline',
    unrepresentable: 'throw',
  });
  return convertNode(json, path, true);
}
