// Exit codes of the CLI contract, and the error that carries a user mistake (printed without a stack trace).
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID = 2;

/** Invalid input: a bad flag, a missing file, a config problem, an unknown run id. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** extra lines printed after the message (e.g. one per config problem) */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure that is not the user's input (a run failed, the database cannot be opened). Exit code 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}
