/**
 * The one clock and the one time type of every Baton package. Inside the code a moment is an
 * `EpochMs`: milliseconds since the Unix epoch, as `Date.now()` gives it. Seconds (Fernet
 * timestamps, Keystone's token times), microseconds (SQL columns), `Date`s and ISO strings exist
 * only at the wire: token payload packing, JSON rendering, SQL columns, HTTP headers.
 *
 * `EpochMs` is a plain alias, not a brand: every reading of time starts at `Date.now()` or a test's
 * counter and flows through arithmetic (`now + ttl * 1000`), so a brand would need a cast at each
 * of those sites and mostly catch nothing the name does not already say. Seconds and microseconds
 * get conversion functions at the wire instead, whose names carry the unit.
 *
 * The clock is injected (never `Date.now()` deep in a module) so tests move time without sleeping.
 * @module
 */

/** Milliseconds since the Unix epoch. */
export type EpochMs = number

export interface Clock {
  now(): EpochMs
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() })
