// POST /v1/keys/import: keys from another system, by plaintext (hashed on arrival) or by SHA-256.
import { importKeys } from "../../services/index.js";
import { AUTHED_PROBLEMS, problems } from "../schemas/common.js";
import { ImportKeysBody, ImportResult } from "../schemas/key-import.js";
import { changeActorOf } from "../audit-context.js";
import { guard, managed, type App, type RouteOptions } from "../route-kit.js";

export async function keyImportRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/keys/import",
    {
      preValidation: guard(ctx, "keys:create"),
      schema: {
        ...managed("keys", "Import keys from another system (idempotent; every row checked before anything is written)"),
        body: ImportKeysBody,
        response: { 200: ImportResult, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => importKeys(ctx, changeActorOf(request), request.body),
  );
}
