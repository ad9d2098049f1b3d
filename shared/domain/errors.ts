// Domain errors carry a sentence written for the API user; shared/http maps each class to a status.

export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 413;
}

/** The request is malformed or breaks a rule (400). */
export class Invalid extends DomainError {
  readonly status = 400;
}

/** Missing or unknown API key (401). */
export class Unauthorized extends DomainError {
  readonly status = 401;
}

/** A request this door never takes, whoever sends it: a delivery of this service coming back to ingest (403). */
export class Forbidden extends DomainError {
  readonly status = 403;
}

/** Nothing of that exact name (404). */
export class NotFound extends DomainError {
  readonly status = 404;
}

/** The request conflicts with the stored state: not enabled, duplicate name, cap reached (409). */
export class Conflict extends DomainError {
  readonly status = 409;
}

/** The body is larger than the route accepts (413). */
export class TooLarge extends DomainError {
  readonly status = 413;
}
