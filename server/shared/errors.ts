/**
 * Expected failures. Each is exposed as a GraphQL object type implementing `Error` (see
 * errors.schema.ts) and returned as a typed result by the Pothos errors plugin; anything that
 * is not a CareloopError is an unexpected failure and is masked by yoga.
 */
export class CareloopError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends CareloopError {
  constructor(
    readonly entity: string,
    readonly id?: string,
  ) {
    super(id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }
}

export interface FieldIssue {
  /** Path of the bad field inside the input, e.g. ["input", "products", 0, "value"]. */
  path: (string | number)[];
  message: string;
}

export class ValidationError extends CareloopError {
  constructor(
    readonly issues: FieldIssue[],
    message = issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
  ) {
    super(message);
  }

  static single(path: (string | number)[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class ConflictError extends CareloopError {
  constructor(
    message: string,
    /** The input field whose value collides with an existing row. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A complaint cannot make this move from where it is (e.g. closing a complaint not yet
 * resolved): names the current status and the moves' allowed starting points.
 */
export class InvalidTransitionError extends CareloopError {
  constructor(
    /** What was asked, e.g. resolveComplaint. */
    readonly action: string,
    readonly currentStatus: string,
    /** The statuses the action is allowed from. */
    readonly allowedStatuses: readonly string[],
  ) {
    super(`${action} is not allowed while the complaint is ${currentStatus}; it is allowed from: ${allowedStatuses.join(', ')}`);
  }
}
