// Checks one row of a key import (POST /v1/keys/import, `keyward keys import`) without the store: the
// row schema, then what a schema cannot say. Every problem is reported with a path inside the row and
// a catalogue code; none repeats a value of the row (a row may carry a plaintext key).
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { hashKey, importedKeyStart } from "../core/index.js";
import { isKeywardError } from "../errors/index.js";
import { ImportRow } from "../server/schemas/key-import.js";
import { checkMeta, checkPermissionNames, parseExpiry } from "./input-checks.js";
import { checkRateLimits } from "./ratelimit-checks.js";

export interface RowProblem {
  /** JSON pointer inside the row (`/permissions/0`); "" for the row as a whole. */
  path: string;
  message: string;
  code: string;
}

/** A good row: the key's hash (a plaintext key is hashed here and not kept) and the rest of the row. */
export interface CheckedRow {
  hash: string;
  /** Display start: 4 characters of a plaintext key, "" for a row that gave only the hash. */
  start: string;
  /** Which field carried the key, for reporting a later problem with it. */
  keyField: "/key" | "/hash";
  row: Omit<ImportRow, "key" | "hash">;
  expiresAt: Date | null | undefined;
}

export type RowCheck = { ok: true; row: CheckedRow } | { ok: false; problems: RowProblem[] };

let validator: ValidateFunction | undefined;

function validate(value: unknown): RowProblem[] {
  if (!validator) {
    // Not verbose: ajv's messages then never quote the value they refused.
    const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
    addFormats.default(ajv);
    validator = ajv.compile(ImportRow);
  }
  if (validator(value)) return [];
  return (validator.errors ?? []).map((error) => {
    const extra = error.params?.additionalProperty ? `/${String(error.params.additionalProperty)}` : "";
    return { path: `${error.instancePath}${extra}`, message: error.message ?? "is not valid", code: "VALIDATION_FAILED" };
  });
}

/** Runs a throwing input check and turns its catalogue error into problems. */
function collect(problems: RowProblem[], check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!isKeywardError(error)) throw error;
    for (const field of error.fields ?? [{ pointer: "", message: error.message }]) problems.push({ path: field.pointer, message: field.message, code: error.code });
  }
}

export function checkImportRow(value: unknown, now: Date): RowCheck {
  const problems = validate(value);
  if (problems.length > 0) return { ok: false, problems };
  const { key, hash, ...row } = value as ImportRow;
  if ((key === undefined) === (hash === undefined)) {
    const message = key === undefined ? "needs the key or its SHA-256 hash" : "gives both key and hash: give one";
    return { ok: false, problems: [{ path: "", message, code: "VALIDATION_FAILED" }] };
  }
  let expiresAt: Date | null | undefined;
  collect(problems, () => checkPermissionNames(row.permissions, "/permissions"));
  collect(problems, () => checkMeta(row.meta, "/meta"));
  collect(problems, () => checkRateLimits(row.ratelimits, "/ratelimits"));
  collect(problems, () => (expiresAt = parseExpiry(row.expiresAt, now, "/expiresAt")));
  if (problems.length > 0) return { ok: false, problems };
  return key !== undefined
    ? { ok: true, row: { hash: hashKey(key), start: importedKeyStart(key), keyField: "/key", row, expiresAt } }
    : { ok: true, row: { hash: hash!.toLowerCase(), start: "", keyField: "/hash", row, expiresAt } };
}

/**
 * Checks every row; a second row with the key of an earlier one is a problem of its own. Returns the
 * good rows by index and the problems of the bad ones.
 */
export function checkImportRows(
  rows: readonly unknown[],
  now: Date,
  label: (index: number) => string = (index) => `row ${index}`,
): { good: Map<number, CheckedRow>; bad: Map<number, RowProblem[]> } {
  const good = new Map<number, CheckedRow>();
  const bad = new Map<number, RowProblem[]>();
  const firstRowOf = new Map<string, number>();
  rows.forEach((value, index) => {
    const checked = checkImportRow(value, now);
    if (!checked.ok) return void bad.set(index, checked.problems);
    const first = firstRowOf.get(checked.row.hash);
    if (first !== undefined) {
      return void bad.set(index, [{ path: checked.row.keyField, message: `the same key as ${label(first)}`, code: "IMPORT_DUPLICATE_ROW" }]);
    }
    firstRowOf.set(checked.row.hash, index);
    good.set(index, checked.row);
  });
  return { good, bad };
}
