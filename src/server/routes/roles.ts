// /v1/roles: named bundles of permissions.
import { Type } from "@sinclair/typebox";
import { createRole, deleteRole, getRole, listRoles, updateRole } from "../../services/index.js";
import { AUTHED_PROBLEMS, Deleted, IdParam, PageOf, PageQuery, problems } from "../schemas/common.js";
import { CreateRoleBody, Role, UpdateRoleBody } from "../schemas/identities.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { roleView } from "../views.js";

const RoleParams = IdParam("roleId", "role");

export async function roleRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/roles",
    {
      preValidation: guard(ctx, "roles:create"),
      schema: { ...managed("roles", "Create a role"), body: CreateRoleBody, response: { 201: Role, ...problems(...AUTHED_PROBLEMS, 409) } },
    },
    async (request, reply) => reply.status(201).send(roleView(await createRole(ctx, changeActorOf(request), request.body))),
  );
  app.get(
    "/v1/roles",
    {
      preValidation: guard(ctx, "roles:read"),
      schema: {
        ...managed("roles", "List roles"),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(Role), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => listRoles(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(roleView) })),
  );
  app.get(
    "/v1/roles/:roleId",
    {
      preValidation: guard(ctx, "roles:read"),
      schema: { ...managed("roles", "Get a role"), params: RoleParams, response: { 200: Role, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => roleView(await getRole(ctx, actorOf(request), request.params.roleId)),
  );
  app.patch(
    "/v1/roles/:roleId",
    {
      preValidation: guard(ctx, "roles:update"),
      schema: { ...managed("roles", "Update a role"), params: RoleParams, body: UpdateRoleBody, response: { 200: Role, ...problems(...AUTHED_PROBLEMS, 404, 409) } },
    },
    async (request) => roleView(await updateRole(ctx, changeActorOf(request), request.params.roleId, request.body)),
  );
  app.delete(
    "/v1/roles/:roleId",
    {
      preValidation: guard(ctx, "roles:delete"),
      schema: { ...managed("roles", "Delete a role (detached from every key)"), params: RoleParams, response: { 200: Deleted, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => {
      await deleteRole(ctx, changeActorOf(request), request.params.roleId);
      return { deleted: true as const };
    },
  );
}
