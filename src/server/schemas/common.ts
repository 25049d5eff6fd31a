// Schemas shared by every route: problems, pages, ids, metadata. Types and OpenAPI come from these.
import { Type, type TSchema, type TString } from "@sinclair/typebox";
import { MAX_PERMISSION_LENGTH } from "../../core/index.js";

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: "Stable error code from docs/errors.md" }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
  },
  { $id: "Problem", description: "RFC 9457 problem details" },
);

export const Id = (prefix: string) => Type.String({ minLength: 1, maxLength: 64, description: `${prefix}_… id`, examples: [`${prefix}_3ZbE0TqvX5oHn9Kq2mWc1a`] });
export function IdParam<K extends string>(name: K, prefix: string) {
  return Type.Object({ [name]: Id(prefix) } as Record<K, TString>, { additionalProperties: false });
}

export const DateTime = Type.String({ format: "date-time" });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
// TypeBox turns a Record's key schema into a pattern, dropping its maxLength: propertyNames keeps the bound.
export const Meta = Type.Record(Type.String(), Type.Unknown(), {
  description: "Free JSON metadata (at most 100 keys of up to 128 characters, nested at most 32 levels)",
  maxProperties: 100,
  propertyNames: { maxLength: 128 },
});
export const PermissionName = Type.String({ minLength: 1, maxLength: MAX_PERMISSION_LENGTH, examples: ["documents:read"] });
export const PermissionList = Type.Array(PermissionName, { maxItems: 1000 });
/** "." and ".." are refused: URL normalisation would make such an identity unreachable by path. */
export const ExternalId = Type.String({ minLength: 1, maxLength: 255, pattern: "^(?!\\.{1,2}$)", description: "The owner's id in your own system" });
export const Name = Type.String({ minLength: 1, maxLength: 200 });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "nextCursor of the previous page" })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Problem responses a route can give, for the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((status) => [status, Problem]));
}

export const AUTHED_PROBLEMS = [400, 401, 403] as const;
export const Deleted = Type.Object({ deleted: Type.Literal(true) });
