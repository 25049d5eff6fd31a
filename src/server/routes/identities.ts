// /v1/identities: key owners; `{identity}` in a path is an id_… id or an externalId.
import { Type } from "@sinclair/typebox";
import { createIdentity, deleteIdentity, getIdentity, listIdentities, updateIdentity } from "../../services/index.js";
import { AUTHED_PROBLEMS, Deleted, PageOf, PageQuery, problems } from "../schemas/common.js";
import { CreateIdentityBody, Identity, IdentityRefParam, UpdateIdentityBody } from "../schemas/identities.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { identityView } from "../views.js";

export async function identityRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/identities",
    {
      preValidation: guard(ctx, "identities:create"),
      schema: { ...managed("identities", "Create an identity"), body: CreateIdentityBody, response: { 201: Identity, ...problems(...AUTHED_PROBLEMS, 409) } },
    },
    async (request, reply) => reply.status(201).send(identityView(await createIdentity(ctx, changeActorOf(request), request.body))),
  );
  app.get(
    "/v1/identities",
    {
      preValidation: guard(ctx, "identities:read"),
      schema: {
        ...managed("identities", "List identities"),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(Identity), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => listIdentities(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(identityView) })),
  );
  app.get(
    "/v1/identities/:identity",
    {
      preValidation: guard(ctx, "identities:read"),
      schema: { ...managed("identities", "Get an identity by id or externalId"), params: IdentityRefParam, response: { 200: Identity, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => identityView(await getIdentity(ctx, actorOf(request), request.params.identity)),
  );
  app.patch(
    "/v1/identities/:identity",
    {
      preValidation: guard(ctx, "identities:update"),
      schema: {
        ...managed("identities", "Update an identity"),
        params: IdentityRefParam,
        body: UpdateIdentityBody,
        response: { 200: Identity, ...problems(...AUTHED_PROBLEMS, 404, 409) },
      },
    },
    async (request) => identityView(await updateIdentity(ctx, changeActorOf(request), request.params.identity, request.body)),
  );
  app.delete(
    "/v1/identities/:identity",
    {
      preValidation: guard(ctx, "identities:delete"),
      schema: { ...managed("identities", "Delete an identity (its keys stay, without owner)"), params: IdentityRefParam, response: { 200: Deleted, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => {
      await deleteIdentity(ctx, changeActorOf(request), request.params.identity);
      return { deleted: true as const };
    },
  );
}
