import { parse as parseIso } from "tinyduration";

/**
 * ISO 8601 durations (`PT1H`, `P30D`, `P1Y`). Parsing is delegated to `tinyduration`; this
 * module only converts to seconds with the conventions IAM and Secrets Manager use
 * (a day is 86 400 s, a week 7 days, a month 30 days, a year 365 days).
 */
const SECONDS = { years: 365 * 86400, months: 30 * 86400, weeks: 7 * 86400, days: 86400, hours: 3600, minutes: 60, seconds: 1 } as const;

export class DurationError extends Error {}

const secondsMemo = new Map<string, number>();

/** Seconds in an ISO 8601 duration; throws DurationError when it is not one, or is negative or zero. */
export function durationSeconds(value: string): number {
  const hit = secondsMemo.get(value);
  if (hit !== undefined) return hit;
  const seconds = parseSeconds(value);
  if (secondsMemo.size > 1000) secondsMemo.clear();
  secondsMemo.set(value, seconds);
  return seconds;
}

function parseSeconds(value: string): number {
  let parsed;
  try {
    parsed = parseIso(value);
  } catch {
    throw new DurationError(`"${value}" is not an ISO 8601 duration (examples: PT1H, P30D, P90D)`);
  }
  if (parsed.negative) throw new DurationError(`"${value}" is negative; a duration must be positive`);
  let total = 0;
  for (const [unit, factor] of Object.entries(SECONDS)) {
    total += (parsed[unit as keyof typeof SECONDS] ?? 0) * factor;
  }
  if (!(total > 0)) throw new DurationError(`"${value}" is zero; a duration must be positive`);
  return Math.round(total);
}

/** Whole days in a duration, rounded up (for rotation rules expressed in days). */
export function durationDays(value: string): number {
  return Math.ceil(durationSeconds(value) / 86400);
}

/** True when the string parses as a positive ISO 8601 duration. */
export function isDuration(value: string): boolean {
  try {
    durationSeconds(value);
    return true;
  } catch {
    return false;
  }
}
