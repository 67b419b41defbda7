/** A bad command line (exit 2). Input problems are `InputError` (src/adapters/input.ts), also exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT = { pass: 0, findings: 1, error: 2 } as const;

/** Secrets seen so far: the top-level handler scrubs them from any error message. */
export const seenSecrets: string[] = [];
