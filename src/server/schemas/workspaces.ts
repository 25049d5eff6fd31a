// Schemas of /v1/workspaces and /v1/root-keys.
import { Type } from "@sinclair/typebox";
import { DateTime, Name, NullableDateTime, PermissionList } from "./common.js";

export const Workspace = Type.Object({ id: Type.String(), name: Type.String(), createdAt: DateTime }, { $id: "Workspace" });

export const RootKey = Type.Object(
  {
    id: Type.String(),
    start: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    permissions: Type.Array(Type.String()),
    createdAt: DateTime,
    lastUsedAt: NullableDateTime,
    revokedAt: NullableDateTime,
  },
  { $id: "RootKey" },
);

export const CreatedRootKey = Type.Object(
  { key: Type.String({ description: "The root key itself. Shown this once." }), ...RootKey.properties },
  { $id: "CreatedRootKey" },
);

export const CreateWorkspaceBody = Type.Object({ name: Name }, { additionalProperties: false });
export const CreatedWorkspace = Type.Object({ workspace: Workspace, rootKey: CreatedRootKey });

export const CreateRootKeyBody = Type.Object(
  { name: Name, permissions: Type.Array(PermissionList.items, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
