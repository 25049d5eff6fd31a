// /v1/keys: create (the only answer that carries the key), read, list, update, revoke.
import { createKey, getKey, listKeys, revokeKey, rotateKey, updateKey } from "../../services/index.js";
import { AUTHED_PROBLEMS, IdParam, PageOf, problems } from "../schemas/common.js";
import { CreateKeyBody, CreatedKey, Key, ListKeysQuery, RevokeBody, RotateKeyBody, RotatedKey, UpdateKeyBody } from "../schemas/keys.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { keyView } from "../views.js";

const KeyParams = IdParam("keyId", "key");

export async function keyRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/keys",
    {
      preValidation: guard(ctx, "keys:create"),
      schema: {
        ...managed("keys", "Create a key (the key is in this answer only)"),
        body: CreateKeyBody,
        response: { 201: CreatedKey, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      const created = await createKey(ctx, changeActorOf(request), request.body);
      // The secret must not be kept by any cache between Keyward and the caller.
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ key: created.secret, ...keyView(created) });
    },
  );
  app.get(
    "/v1/keys",
    {
      preValidation: guard(ctx, "keys:read"),
      schema: { ...managed("keys", "List keys"), querystring: ListKeysQuery, response: { 200: PageOf(Key), ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => listKeys(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(keyView) })),
  );
  app.get(
    "/v1/keys/:keyId",
    {
      preValidation: guard(ctx, "keys:read"),
      schema: { ...managed("keys", "Get a key"), params: KeyParams, response: { 200: Key, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => keyView(await getKey(ctx, actorOf(request), request.params.keyId)),
  );
  app.patch(
    "/v1/keys/:keyId",
    {
      preValidation: guard(ctx, "keys:update"),
      schema: {
        ...managed("keys", "Update a key"),
        params: KeyParams,
        body: UpdateKeyBody,
        response: { 200: Key, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => keyView(await updateKey(ctx, changeActorOf(request), request.params.keyId, request.body)),
  );
  app.post(
    "/v1/keys/:keyId/revoke",
    {
      preValidation: guard(ctx, "keys:revoke"),
      schema: {
        ...managed("keys", "Revoke a key, at once and for good"),
        params: KeyParams,
        body: RevokeBody,
        response: { 200: Key, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => keyView(await revokeKey(ctx, changeActorOf(request), request.params.keyId, request.body?.reason ?? null)),
  );
  app.post(
    "/v1/keys/:keyId/rotate",
    {
      preValidation: guard(ctx, "keys:rotate"),
      schema: {
        ...managed("keys", "Rotate a key: a new secret for the same key, the previous one honoured for a grace period"),
        params: KeyParams,
        body: RotateKeyBody,
        response: { 200: RotatedKey, ...problems(...AUTHED_PROBLEMS, 404, 409) },
      },
    },
    async (request, reply) => {
      const rotated = await rotateKey(ctx, changeActorOf(request), request.params.keyId, request.body.gracePeriodSeconds, {
        ...(request.body.expiresAt !== undefined && { expiresAt: request.body.expiresAt }),
      });
      reply.header("cache-control", "no-store");
      return { key: rotated.secret, previousValidUntil: rotated.previousValidUntil.toISOString(), ...keyView(rotated) };
    },
  );
}
