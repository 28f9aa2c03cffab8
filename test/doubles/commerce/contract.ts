// Adobe's published Commerce admin REST schema (Swagger 2.0) as a request judge: the route must
// exist for the method, path parameters must have their declared types, and the JSON body must
// match the operation's body schema (ajv, JSON Schema draft-04 as Swagger 2.0 uses). Like
// Commerce's web-API deserializer, objects of the schema's definitions reject unknown properties.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

// ajv-draft-04 is CommonJS: its class is the module's `default` export under NodeNext.
const AjvDraft04 = ajvDraft04.default;

/**
 * Adobe's published admin REST schema (Apache-2.0, from AdobeDocs/commerce-webapi), vendored so
 * that a clone alone can judge the double's requests.
 */
export const contractPath = fileURLToPath(
  new URL('./contract/adobe-commerce-admin-2.4.8.yaml', import.meta.url),
);

interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header' | 'formData';
  type?: string;
  required?: boolean;
  schema?: unknown;
}
interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
}
interface SwaggerDocument {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, Record<string, unknown>>;
}

export interface RouteMatch {
  template: string;
  operation: SwaggerOperation;
  params: Record<string, string>;
}

export type Judgement = { ok: RouteMatch } | { violation: string; status: 400 | 404 | 405 };

interface CompiledRoute {
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments first: `/V1/company/relations` beats `/V1/company/{companyId}`. */
  literalSegments: number;
  methods: Record<string, SwaggerOperation>;
}

function withClosedObjects(
  definitions: SwaggerDocument['definitions'],
): SwaggerDocument['definitions'] {
  const out: SwaggerDocument['definitions'] = {};
  for (const [name, schema] of Object.entries(definitions)) {
    out[name] =
      schema['properties'] && schema['additionalProperties'] === undefined
        ? { ...schema, additionalProperties: false }
        : schema;
  }
  return out;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? `commerce${v}` : rewriteRefs(v),
    ]),
  );
}

function compileRoute(template: string, methods: Record<string, SwaggerOperation>): CompiledRoute {
  const names: string[] = [];
  const trimmed = template.replace(/\/$/, '');
  const source = trimmed
    .split('/')
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return {
    template,
    pattern: new RegExp(`^${source}/?$`),
    names,
    literalSegments: trimmed.split('/').filter((s) => !s.startsWith('{')).length,
    methods,
  };
}

function parameterProblem(parameter: SwaggerParameter, raw: string | undefined): string[] {
  const where = `${parameter.in} parameter ${parameter.name}`;
  if (raw === undefined)
    return parameter.required && parameter.in !== 'body' ? [`${where} is required`] : [];
  if (parameter.type === 'integer' && !/^-?\d+$/.test(raw))
    return [`${where} must be an integer, got ${raw}`];
  if (parameter.type === 'number' && Number.isNaN(Number(raw)))
    return [`${where} must be a number, got ${raw}`];
  return [];
}

export class CommerceContract {
  readonly #routes: CompiledRoute[];
  readonly #ajv: InstanceType<typeof AjvDraft04>;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: SwaggerDocument) {
    this.#ajv = new AjvDraft04({ strict: false, allErrors: true });
    this.#ajv.addSchema({ id: 'commerce', definitions: withClosedObjects(document.definitions) });
    this.#routes = Object.entries(document.paths)
      .map(([template, methods]) => compileRoute(template, methods))
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  static load(path = contractPath): CommerceContract {
    return new CommerceContract(parse(readFileSync(path, 'utf8')) as SwaggerDocument);
  }

  /** Judges one request; `path` is the part after `/rest/<store>` (e.g. `/V1/inventory/source-items`). */
  judge(method: string, path: string, query: URLSearchParams, body: unknown): Judgement {
    const matches = this.#routes.filter((r) => r.pattern.test(path));
    if (matches.length === 0) return { violation: `no route ${path} in the contract`, status: 404 };
    const route = matches.find((r) => r.methods[method.toLowerCase()]);
    const operation = route?.methods[method.toLowerCase()];
    if (!route || !operation)
      return { violation: `${method} is not allowed on ${path}`, status: 405 };
    const values = route.pattern.exec(path)?.slice(1) ?? [];
    const params = Object.fromEntries(
      route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
    );
    const problems = [
      ...this.#parameterProblems(operation, params, query),
      ...this.#bodyProblems(operation, body),
    ];
    if (problems.length > 0)
      return { violation: `${operation.operationId}: ${problems.join('; ')}`, status: 400 };
    return { ok: { template: route.template, operation, params } };
  }

  #parameterProblems(
    operation: SwaggerOperation,
    params: Record<string, string>,
    query: URLSearchParams,
  ): string[] {
    return (operation.parameters ?? []).flatMap((parameter) =>
      parameterProblem(
        parameter,
        parameter.in === 'path'
          ? params[parameter.name]
          : parameter.in === 'query'
            ? (query.get(parameter.name) ?? undefined)
            : undefined,
      ),
    );
  }

  #bodyProblems(operation: SwaggerOperation, body: unknown): string[] {
    const parameter = operation.parameters?.find((p) => p.in === 'body');
    if (!parameter) return body === undefined ? [] : ['the operation takes no body'];
    if (body === undefined) return ['a JSON body is required'];
    let validate = this.#validators.get(operation.operationId);
    if (!validate) {
      validate = this.#ajv.compile(rewriteRefs(parameter.schema) as object);
      this.#validators.set(operation.operationId, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `body${e.instancePath} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`,
    );
  }
}
