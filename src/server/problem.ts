// The one central error handler: catalogue errors become application/problem+json; Fastify's own
// errors (validation, JSON, size, media type) map to catalogue codes; anything else is a logged,
// generic 500 that reveals nothing.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CATALOGUE, KeywardError, problemType, type ErrorCode, type ProblemField } from "../errors/index.js";

/** The problem document of an error, its fields in the order of the Problem schema (what the serializer writes). */
export function problemBody(error: KeywardError, url: string, requestId: string) {
  return {
    type: problemType(error.code),
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    instance: url.split("?")[0],
    code: error.code,
    requestId,
    ...(error.fields ? { errors: error.fields } : {}),
  };
}

export const WWW_AUTHENTICATE = 'Bearer realm="keyward"';

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: KeywardError): FastifyReply {
  // The challenge names how to authenticate: a root key as bearer token. A refused GitHub signature is a
  // 401 too, but no bearer token would help there.
  if (error.code === "UNAUTHORIZED") reply.header("www-authenticate", WWW_AUTHENTICATE);
  return reply.status(error.status).type("application/problem+json").send(problemBody(error, request.url, request.id));
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function validationFields(error: FastifyError): ProblemField[] {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? "body";
  return ((error.validation ?? []) as ValidationIssue[]).map((issue) => {
    const extra = issue.params?.additionalProperty ? `/${String(issue.params.additionalProperty)}` : "";
    return { pointer: `/${context}${issue.instancePath ?? ""}${extra}`, message: issue.message ?? "is not valid" };
  });
}

export function toKeywardError(error: unknown): KeywardError | null {
  if (error instanceof KeywardError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) return new KeywardError("VALIDATION_FAILED", "The request does not match the schema.", validationFields(fastifyError));
  if (fastifyError?.code && FASTIFY_CODES[fastifyError.code]) return new KeywardError(FASTIFY_CODES[fastifyError.code]!, fastifyError.message);
  if (fastifyError?.statusCode === 400 && error instanceof SyntaxError) return new KeywardError("INVALID_JSON", "The request body is not valid JSON.");
  return null;
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toKeywardError(error);
  if (known) return sendProblem(request, reply, known);
  const statusCode = (error as FastifyError)?.statusCode;
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    // A client error from Fastify that the catalogue has no specific code for.
    return sendProblem(request, reply, new KeywardError("VALIDATION_FAILED", "The request could not be read."));
  }
  request.log.error({ err: error }, "unhandled error");
  return sendProblem(request, reply, new KeywardError("INTERNAL_ERROR", "Something went wrong; the request id identifies it in the logs."));
}
