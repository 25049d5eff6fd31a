// /v1/workspaces and /v1/root-keys: tenants and Keyward's own keys.
import { Type } from "@sinclair/typebox";
import { createRootKey, createWorkspace, getCurrentWorkspace, listRootKeys, revokeRootKey } from "../../services/index.js";
import { AUTHED_PROBLEMS, IdParam, PageOf, PageQuery, problems } from "../schemas/common.js";
import { RevokeBody } from "../schemas/keys.js";
import { CreatedRootKey, CreatedWorkspace, CreateRootKeyBody, CreateWorkspaceBody, RootKey, Workspace } from "../schemas/workspaces.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { rootKeyView, workspaceView } from "../views.js";

export async function workspaceRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/workspaces",
    {
      preValidation: guard(ctx, "workspaces:create"),
      schema: {
        ...managed("workspaces", "Create a workspace and its first root key (shown once)"),
        body: CreateWorkspaceBody,
        response: { 201: CreatedWorkspace, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const { workspace, rootKey } = await createWorkspace(ctx, changeActorOf(request), request.body);
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ workspace: workspaceView(workspace), rootKey: { key: rootKey.secret, ...rootKeyView(rootKey.key) } });
    },
  );
  app.get(
    "/v1/workspaces/current",
    {
      preValidation: guard(ctx, "workspaces:read"),
      schema: { ...managed("workspaces", "The calling root key's workspace"), response: { 200: Workspace, ...problems(...AUTHED_PROBLEMS) } },
    },
    async (request) => workspaceView(await getCurrentWorkspace(ctx, actorOf(request))),
  );
  app.post(
    "/v1/root-keys",
    {
      preValidation: guard(ctx, "root_keys:create"),
      schema: {
        ...managed("root keys", "Create a root key (shown once); it may hold only permissions the caller holds"),
        body: CreateRootKeyBody,
        response: { 201: CreatedRootKey, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const issued = await createRootKey(ctx, changeActorOf(request), request.body);
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ key: issued.secret, ...rootKeyView(issued.key) });
    },
  );
  app.get(
    "/v1/root-keys",
    {
      preValidation: guard(ctx, "root_keys:read"),
      schema: {
        ...managed("root keys", "List root keys"),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(RootKey), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => listRootKeys(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(rootKeyView) })),
  );
  app.post(
    "/v1/root-keys/:rootKeyId/revoke",
    {
      preValidation: guard(ctx, "root_keys:revoke"),
      schema: {
        ...managed("root keys", "Revoke a root key"),
        params: IdParam("rootKeyId", "key"),
        body: RevokeBody,
        response: { 200: RootKey, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => rootKeyView(await revokeRootKey(ctx, changeActorOf(request), request.params.rootKeyId, request.body?.reason ?? null)),
  );
}
