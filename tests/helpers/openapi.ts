/**
 * Reading the served OpenAPI document as a generator would: follow its `$ref`s, list its operations,
 * and check a real reply against the schema the document gives for its status (JSON Schema 2020-12
 * with formats, via ajv, which the installed OpenAPI validator is built on).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { expect } from "vitest";

export type Doc = { paths: Record<string, Record<string, any>>; components: Record<string, Record<string, any>>; [k: string]: any };

const METHODS = ["get", "post", "patch", "put", "delete"];

/** The node a local `$ref` points at (followed until it is not a reference). */
export function deref(doc: Doc, node: any): any {
  while (node && typeof node.$ref === "string") {
    const ptr = node.$ref as string;
    if (!ptr.startsWith("#/")) throw new Error(`not a local reference: ${ptr}`);
    node = ptr.slice(2).split("/").reduce((n: any, k) => n?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    if (node === undefined) throw new Error(`dangling reference ${ptr}`);
  }
  return node;
}

/** Every operation: its path, method and operation object. */
export function operations(doc: Doc): { path: string; method: string; op: any }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })));
}

const BASE = "https://tele.invalid/openapi.json";
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** Checks replies against the document: `check(path, method, status, contentType, body)`. */
export function replyChecker(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: BASE, components: { schemas: doc.components.schemas } });
  const compiled = new Map<string, ReturnType<Ajv2020["compile"]>>();
  return (path: string, method: string, status: number, contentType: string, body: unknown) => {
    const op = doc.paths[path]?.[method];
    expect(op, `${method} ${path} is in the document`).toBeDefined();
    const declared = op.responses[String(status)];
    expect(declared, `${method.toUpperCase()} ${path} declares ${status}`).toBeDefined();
    const response = deref(doc, declared);
    const media = contentType.split(";")[0]!.trim();
    const schema = response.content?.[media]?.schema;
    expect(schema, `${method.toUpperCase()} ${path} ${status} declares ${media}`).toBeDefined();
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(JSON.parse(key.replaceAll('"#/components/', `"${BASE}#/components/`)));
      compiled.set(key, validate);
    }
    expect(validate(body) ? [] : validate.errors, `${method.toUpperCase()} ${path} ${status} matches its schema`).toEqual([]);
    return response;
  };
}
