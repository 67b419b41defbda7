/** Time is an input: everything that compares dates takes a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const date = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new Error(`invalid clock time: ${String(at)}`);
  return { now: () => new Date(date.getTime()) };
}

export const DAY_MS = 86_400_000;

/** Parse YYYY-MM-DD (or a full ISO timestamp) as UTC; undefined when it is not a valid date. */
export function parseDate(value: string): Date | undefined {
  // Plans repeat the same few dates thousands of times: parse each text once (a fresh Date each call: Dates are mutable).
  let t = parsedDates.get(value);
  if (t === undefined) {
    t = parseDateUncached(value) ?? null;
    if (parsedDates.size >= 10_000) parsedDates.clear();
    parsedDates.set(value, t);
  }
  return t === null ? undefined : new Date(t);
}

const parsedDates = new Map<string, number | null>();

function parseDateUncached(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return undefined;
  if (value.length === 10 && date.toISOString().slice(0, 10) !== value) return undefined; // 2026-02-31
  return date.getTime();
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** Days from `from` to `to` (fractional). */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / DAY_MS;
}
