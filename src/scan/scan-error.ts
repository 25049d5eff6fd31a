// A scan that could not run or finish (bad arguments, not a repository, unreadable path): exit code 2.
export class ScanError extends Error {
  readonly exitCode = 2;
}
