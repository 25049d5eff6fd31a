// Builds the Fastify app: schemas-first routes, OpenAPI 3.1 from those schemas, one error handler.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyServerOptions } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { KeywardError } from "../errors/index.js";
import type { GithubPublicKeys } from "../leaks/index.js";
import type { ServiceContext } from "../services/index.js";
import { errorHandler, sendProblem } from "./problem.js";
import { requestSerializer } from "./redaction.js";
import { apiRoutes } from "./routes/apis.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes, type AuthFailureLimit } from "./routes/auth.js";
import { githubLeakRoutes } from "./routes/github-leaks.js";
import { healthRoutes } from "./routes/health.js";
import { identityRoutes } from "./routes/identities.js";
import { keyImportRoutes } from "./routes/key-import.js";
import { keyRoutes } from "./routes/keys.js";
import { leakRoutes } from "./routes/leaks.js";
import { rateLimitRoutes } from "./routes/ratelimit.js";
import { roleRoutes } from "./routes/roles.js";
import { HotPathLogController, verifyRoutes } from "./routes/verify.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { workspaceRoutes } from "./routes/workspaces.js";
import { Problem } from "./schemas/common.js";
import { createValidatorCompiler } from "./validation.js";
import { createVerifyFastLane, fastLaneServerFactory, type FastLane } from "./verify-fast-lane.js";

export interface AppOptions {
  ctx: ServiceContext;
  /** Pino options, or false for no logging. */
  logger?: FastifyServerOptions["logger"];
  bodyLimitBytes?: number;
  trustProxy?: boolean;
  /** Query parameter that may carry a key; always redacted from logs. */
  keyQueryParam?: string;
  /** `GET /v1/auth`: unknown or malformed keys one client address may try per window (default 60 a minute). */
  authFailures?: AuthFailureLimit;
  https?: { cert: Buffer; key: Buffer } | null;
  /** GitHub's secret scanning public keys (KEYWARD_GITHUB_SCANNING_KEYS); absent: POST /v1/leaks/github refuses reports. */
  githubScanningKeys?: GithubPublicKeys | null;
}

export async function buildApp(options: AppOptions) {
  const { ctx } = options;
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  // POST /v1/keys/verify meets a raw node:http lane first once the routes are built (verify-fast-lane.ts).
  let fastLane: FastLane | null = null;
  const app = Fastify({
    serverFactory: fastLaneServerFactory(options.https ?? null, () => fastLane),
    logger:
      options.logger === undefined || options.logger === false
        ? false
        : { ...(typeof options.logger === "object" ? options.logger : {}), serializers: { req: requestSerializer(options.keyQueryParam) } },
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    genReqId: () => randomUUID(),
    logController: new HotPathLogController(),
    ...(options.https ? { https: options.https } : {}),
    ajv: { customOptions: { removeAdditional: false } },
    // Room for the longest `{identity}` a client can send: a 255-character externalId, percent-encoded
    // (up to 9 characters each). The route schemas bound what the decoded parameter may be.
    routerOptions: { maxParamLength: 255 * 9 },
    // Errors raised by the router itself (a bad percent-encoding, an overlong parameter) would
    // otherwise bypass the error handler and answer in Fastify's own format.
    frameworkErrors: (error, request, reply) =>
      sendProblem(request, reply, new KeywardError("VALIDATION_FAILED", error.code === "FST_ERR_BAD_URL" ? "The URL is not valid." : "A path parameter is too long.")),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are JSON only: Fastify's built-in text/plain parser would hand a string to the schema
  // (a 400 "must be object") where the answer is 415 UNSUPPORTED_MEDIA_TYPE.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new KeywardError("ROUTE_NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}.`)),
  );
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Keyward",
        version: "0.1.0",
        description: "Issue, verify, limit, rotate, revoke and audit API keys. Errors are RFC 9457 problem details; codes are listed in docs/errors.md.",
      },
      components: { securitySchemes: { rootKey: { type: "http", scheme: "bearer", description: "A Keyward root key (kwroot_live_…)" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } as object }, async () => app.swagger());

  for (const routes of [healthRoutes, apiRoutes, keyRoutes, keyImportRoutes, verifyRoutes, identityRoutes, roleRoutes, workspaceRoutes, rateLimitRoutes, auditRoutes, leakRoutes, webhookRoutes]) {
    await app.register(routes, { ctx });
  }
  // GitHub signs its reports instead of holding a root key (see routes/github-leaks.ts).
  await app.register(githubLeakRoutes, { ctx, keys: options.githubScanningKeys ?? null });
  // nginx auth_request: answers about the key presented, so it takes no root key (see routes/auth.ts).
  await app.register(authRoutes, {
    ctx,
    failures: options.authFailures ?? { limit: 60, windowMs: 60_000 },
    ...(options.keyQueryParam ? { keyQueryParam: options.keyQueryParam } : {}),
  });
  fastLane = createVerifyFastLane({ ctx, log: app.log, bodyLimit, inject: (request) => app.inject(request) });
  return app;
}
