// Randomness as an input: the core never reads the CSPRNG itself, callers pass `crypto.randomBytes`.
export type RandomBytes = (size: number) => Uint8Array;
