// /v1/apis: keyspaces with their key prefix and defaults.
import { Type } from "@sinclair/typebox";
import { createApi, deleteApi, getApi, listApis, updateApi } from "../../services/index.js";
import { Api, CreateApiBody, UpdateApiBody } from "../schemas/apis.js";
import { AUTHED_PROBLEMS, Deleted, IdParam, PageOf, PageQuery, problems } from "../schemas/common.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { apiView } from "../views.js";

const ApiParams = IdParam("apiId", "api");

export async function apiRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/apis",
    {
      preValidation: guard(ctx, "apis:create"),
      schema: { ...managed("apis", "Create an API"), body: CreateApiBody, response: { 201: Api, ...problems(...AUTHED_PROBLEMS) } },
    },
    async (request, reply) => reply.status(201).send(apiView(await createApi(ctx, changeActorOf(request), request.body))),
  );
  app.get(
    "/v1/apis",
    {
      preValidation: guard(ctx, "apis:read"),
      schema: {
        ...managed("apis", "List APIs"),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(Api), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => listApis(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(apiView) })),
  );
  app.get(
    "/v1/apis/:apiId",
    {
      preValidation: guard(ctx, "apis:read"),
      schema: { ...managed("apis", "Get an API"), params: ApiParams, response: { 200: Api, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => apiView(await getApi(ctx, actorOf(request), request.params.apiId)),
  );
  app.patch(
    "/v1/apis/:apiId",
    {
      preValidation: guard(ctx, "apis:update"),
      schema: {
        ...managed("apis", "Update an API"),
        params: ApiParams,
        body: UpdateApiBody,
        response: { 200: Api, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => apiView(await updateApi(ctx, changeActorOf(request), request.params.apiId, request.body)),
  );
  app.delete(
    "/v1/apis/:apiId",
    {
      preValidation: guard(ctx, "apis:delete"),
      schema: {
        ...managed("apis", "Delete an API and stop all its keys"),
        params: ApiParams,
        response: { 200: Deleted, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      await deleteApi(ctx, changeActorOf(request), request.params.apiId);
      return { deleted: true as const };
    },
  );
}
