/** Why a call failed: the `kind` of every {@link WorkspaceError}. */
export type ErrorKind =
  /** No answer within the time allowed: an ack, a reply, or a matching event. */
  | "timeout"
  /** The agent, channel or stream named is not there, e.g. a request to an agent that is not connected. */
  | "not_found"
  /** The server, or the client's own bounds, refused the call: forbidden, not a member, a limit or rate hit. */
  | "rejected"
  /** There is no connection: never connected, lost before the answer came, or closed. */
  | "disconnected"
  /** The call or a frame was malformed: an invalid name, destination, pattern or field. */
  | "invalid"
  /** Credentials are missing or invalid. */
  | "unauthorized"
  /** The server cannot serve the call right now, or could not be reached, or a remote agent went away mid-run. */
  | "unavailable"
  /** A run ended because it was canceled (`run.canceled`). */
  | "canceled"
  /** A remote agent ended a run with a failure of its own (`run.failed`). */
  | "failed";

const KIND_OF_CODE: Record<string, ErrorKind> = {
  not_found: "not_found",
  bad_json: "invalid",
  invalid_frame: "invalid",
  unknown_type: "invalid",
  invalid_event: "invalid",
  invalid_name: "invalid",
  invalid_destination: "invalid",
  invalid_pattern: "invalid",
  not_connected: "invalid",
  already_connected: "invalid",
  forbidden: "rejected",
  not_member: "rejected",
  limit_exceeded: "rejected",
  rate_limited: "rejected",
  too_large: "rejected",
  unauthorized: "unauthorized",
  unavailable: "unavailable",
  internal: "unavailable",
};

/** Maps a server error code (`not_found`, `forbidden`, ...) to its kind; unknown codes are `rejected`. */
export function kindOfCode(code: string): ErrorKind {
  return KIND_OF_CODE[code] ?? "rejected";
}

/**
 * Every failure of the client: a {@link ErrorKind}, a message naming what failed, and the server's error `code`
 * when the server refused the call.
 */
export class WorkspaceError extends Error {
  readonly kind: ErrorKind;
  readonly code: string | undefined;

  constructor(kind: ErrorKind, message: string, code?: string) {
    super(message);
    this.name = "WorkspaceError";
    this.kind = kind;
    this.code = code;
  }

  /** An error the server answered with `code`. */
  static fromServer(code: string, message: string): WorkspaceError {
    return new WorkspaceError(kindOfCode(code), message, code);
  }
}
