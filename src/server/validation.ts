// Request validation: bodies are strict (no type coercion, unknown fields refused) while query
// strings and params are coerced from text ("?limit=10"). Ajv is Fastify's own validator.
// Ajv2019: the schemas use `dependentRequired` (JSON Schema 2019-09, as OpenAPI 3.1 documents it),
// which the draft-07 Ajv class would silently ignore with strict: false.
import type { Options } from "ajv";
import { Ajv2019 as Ajv } from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

const shared: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

function createAjv(options: Options) {
  const ajv = new Ajv({ ...shared, ...options });
  addFormats.default(ajv);
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictAjv = createAjv({ coerceTypes: false });
  const coercingAjv = createAjv({ coerceTypes: "array" });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === "body" ? strictAjv : coercingAjv;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
