// The one error type: a catalogue code plus a detail a user can act on. Never carries a secret.
import { ERROR_CATALOGUE, type ErrorCode } from "./catalogue.js";

export interface ProblemField {
  /** JSON pointer into the request (`/body/permissions/0`). */
  pointer: string;
  message: string;
}

export class KeywardError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly fields?: ProblemField[],
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.name = "KeywardError";
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export function isKeywardError(error: unknown): error is KeywardError {
  return error instanceof KeywardError;
}
