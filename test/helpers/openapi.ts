// Checks requests and answers against the OpenAPI document with Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../shared/openapi/document.js';

type Document = ReturnType<typeof openApiDocument>;
type Json = Record<string, any>;

/** What a request was and what came back: enough to find its operation and judge the answer. */
export interface Exchange {
  method: string;
  /** Path and query, as sent. */
  path: string;
  status: number;
  contentType: string;
  text: string;
}

const ID = 'openapi.json';
/** A JSON Pointer token (RFC 6901). */
export const token = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });

  constructor(readonly document: Document = openApiDocument()) {
    // date-time and the other formats the document uses are checked, not only named.
    addFormats.default(this.ajv);
    // The document's own members are not schema keywords; the schemas inside are reached by pointer.
    this.ajv.addKeyword({ keyword: 'paths' });
    this.ajv.addKeyword({ keyword: 'components' });
    this.ajv.addSchema({ $id: ID, paths: document.paths, components: document.components });
  }

  /** The document's path (a template such as /deliveries/{id}) that a request path matches; a query is ignored. */
  pathOf(path: string): string | undefined {
    const pathname = path.split('?')[0]!;
    if (Object.hasOwn(this.document.paths, pathname)) return pathname;
    return Object.keys(this.document.paths).find((template) => {
      const pattern = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${pattern.join('[^/]+')}$`).test(pathname);
    });
  }

  /** The operation of a method and path, or undefined. */
  operation(method: string, path: string): Json | undefined {
    const template = this.pathOf(path);
    return template === undefined ? undefined : (this.document.paths as Json)[template]?.[method.toLowerCase()];
  }

  /** Validates a JSON request body against the operation's request body schema. */
  requestBody(method: string, path: string): ValidateFunction {
    return this.schemaAt(
      `#/paths/${token(this.pathOf(path) ?? path)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`,
    );
  }

  /** Why the answer is not what its operation declares for its status; empty when it is. */
  problems(exchange: Exchange): string[] {
    const { method, status, contentType, text } = exchange;
    const pathname = exchange.path.split('?')[0]!;
    const at = `${method} ${pathname} answered ${status}`;
    const template = this.pathOf(pathname);
    if (template === undefined || !this.operation(method, pathname)) return [`${method} ${pathname} has no operation`];
    let pointer = `#/paths/${token(template)}/${method.toLowerCase()}/responses/${status}`;
    let response = this.resolve(pointer);
    if (response === undefined) return [`${at}, a status its operation does not declare`];
    if (typeof response.$ref === 'string') response = this.resolve((pointer = response.$ref));
    const mediaType = Object.keys(response?.content ?? {}).find((type) => contentType.split(';')[0]!.trim() === type);
    if (!mediaType) return [`${at} as ${contentType || 'no content type'}, not as ${Object.keys(response?.content ?? {}).join(' or ')}`];
    const body = mediaType === 'application/json' ? parseJson(text) : text;
    if (body === undefined) return [`${at} with a body that is not JSON: ${text.slice(0, 80)}`];
    const validate = this.schemaAt(`${pointer}/content/${token(mediaType)}/schema`);
    return validate(body) ? [] : [`${at} with ${JSON.stringify(body).slice(0, 120)}: ${describeErrors(validate.errors)}`];
  }

  /** The same for a JSON answer of the ApiClient (status and parsed body). */
  answerProblems(method: string, path: string, answer: { status: number; body: unknown }): string[] {
    return this.problems({ method, path, status: answer.status, contentType: 'application/json', text: JSON.stringify(answer.body) });
  }

  /** The validator of the schema at a JSON Pointer into the document ("#/components/schemas/Error"). */
  schemaAt(pointer: string): ValidateFunction {
    const validate = this.ajv.getSchema(`${ID}${pointer}`);
    if (!validate) throw new Error(`No schema at ${pointer}`);
    return validate;
  }

  private resolve(pointer: string): Json | undefined {
    let value: unknown = this.document;
    for (const key of pointer.replace(/^#\//, '').split('/')) {
      const name = key.replaceAll('~1', '/').replaceAll('~0', '~');
      value = typeof value === 'object' && value !== null ? (value as Json)[name] : undefined;
    }
    return value as Json | undefined;
  }
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}`).join('; ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
