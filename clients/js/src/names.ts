import { WorkspaceError } from "./errors.js";

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SEGMENT = /^[a-z][a-z0-9_-]*$/;
const RESERVED = new Set(["system", "broadcast"]);

/** Whether `value` is 1-64 characters of `A-Z a-z 0-9 _ - .` starting with a letter or digit. */
export function isValidId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}

/** Returns a valid agent id, or throws {@link WorkspaceError} (`invalid`). */
export function requireAgentId(value: string): string {
  if (!isValidId(value) || RESERVED.has(value)) {
    throw new WorkspaceError("invalid", `agent id '${value}' must be 1-64 characters of A-Z a-z 0-9 _ - . starting ` +
      "with a letter or digit, and not 'system' or 'broadcast'", "invalid_frame");
  }
  return value;
}

/** Returns the channel name without a leading `#`, or throws {@link WorkspaceError} (`invalid`). */
export function requireChannel(value: string): string {
  const name = typeof value === "string" && value.startsWith("#") ? value.slice(1) : value;
  if (!isValidId(name)) {
    throw new WorkspaceError("invalid", `channel name '${value}' must be 1-64 characters of A-Z a-z 0-9 _ - . ` +
      "starting with a letter or digit", "invalid_frame");
  }
  return name;
}

/** Returns `name` when it is 2-16 dot-separated segments `[a-z][a-z0-9_-]*` of at most 256 characters. */
export function requireEventName(name: string): string {
  const segments = typeof name === "string" ? name.split(".") : [];
  if (segments.length < 2 || segments.length > 16 || name.length > 256 || !segments.every((s) => SEGMENT.test(s))) {
    throw new WorkspaceError("invalid", `event name '${name}' must be 2-16 dot-separated segments of ` +
      "[a-z][a-z0-9_-]*, at most 256 characters", "invalid_name");
  }
  return name;
}

/** The destination in full form (a bare agent id becomes `agent:<id>`), or throws {@link WorkspaceError}. */
export function normalizeDestination(destination: string | undefined): string {
  if (typeof destination !== "string") {
    throw new WorkspaceError("invalid", "an event needs a destination_id", "invalid_destination");
  }
  if (destination === "agent:broadcast") {
    return destination;
  }
  const colon = destination.indexOf(":");
  const kind = colon < 0 ? "agent" : destination.slice(0, colon);
  const name = colon < 0 ? destination : destination.slice(colon + 1);
  if (kind === "agent" && isValidId(name) && !RESERVED.has(name)) {
    return `agent:${name}`;
  }
  if (kind === "channel" && isValidId(name)) {
    return `channel:${name}`;
  }
  if (kind === "pool" && isValidId(name)) {
    return `pool:${name}`;
  }
  throw new WorkspaceError("invalid", `destination '${destination}' is not agent:<id>, channel:<name>, ` +
    "pool:<capability> or agent:broadcast", "invalid_destination");
}

/**
 * Returns `pattern` when it is a valid subscription pattern: dot-separated segments, each a name segment, `*` (one
 * segment) or `>` (the rest, last only); the bare `*` and `>` match everything.
 */
export function requirePattern(pattern: string): string {
  if (pattern === "*" || pattern === ">") {
    return pattern;
  }
  const segments = typeof pattern === "string" ? pattern.split(".") : [];
  const ok = segments.length > 0 && segments.length <= 16 && pattern.length <= 256 &&
    segments.every((s, i) => (s === ">" ? i === segments.length - 1 : s === "*" || SEGMENT.test(s)));
  if (!ok) {
    throw new WorkspaceError("invalid", `pattern '${pattern}' must be dot-separated segments of [a-z][a-z0-9_-]*, ` +
      "'*' or a final '>', at most 16 segments and 256 characters", "invalid_pattern");
  }
  return pattern;
}

/**
 * Whether an event name matches a pattern: `*` matches exactly one segment, `>` as the last segment one or more
 * remaining segments, a literal segment itself; the bare `*` and `>` match every name.
 */
export function matches(pattern: string, name: string): boolean {
  if (pattern === "*" || pattern === ">") {
    return true;
  }
  const ps = pattern.split(".");
  const ns = name.split(".");
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === ">") {
      return ns.length > i;
    }
    if (i >= ns.length || (ps[i] !== "*" && ps[i] !== ns[i])) {
      return false;
    }
  }
  return ns.length === ps.length;
}
