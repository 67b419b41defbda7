import { addDays, Clock, DAY_MS, parseDate } from "../../src/engine/clock";

/**
 * Static-key rotation without a time provider. The key's rotation epoch is derived from the
 * clock and the spec's rotation period alone:
 *
 *   epoch = floor((now - KEY_ROTATION_ANCHOR) / rotationDays)
 *
 * The epoch is part of the access key's logical name (`<name>-key-<epoch>`). While the epoch
 * is unchanged every `pulumi up` sees the same key; the first `pulumi up` in a new epoch sees a
 * new logical name, so Pulumi creates the new key, updates the secret that holds it, and then
 * deletes the old key (create before delete; an IAM user may hold two keys at once).
 *
 * The anchor is a fixed instant, not the recertification date, so that recertifying an
 * identity (a new `recertifyBy`) does not rotate its key. Changing `credential.rotation`
 * changes the epoch arithmetic and so rotates the key once, which is what a new rotation
 * policy should do.
 */
export const KEY_ROTATION_ANCHOR = "2024-01-01T00:00:00Z";

export interface KeyRotation {
  /** Whole rotation periods since the anchor. */
  epoch: number;
  /** When the current key's epoch began (ISO timestamp, UTC). */
  since: string;
  /** The first instant of the next epoch: the first `pulumi up` at or after it replaces the key. */
  nextRotation: string;
}

export function keyRotation(clock: Clock, rotationDays: number): KeyRotation {
  if (!Number.isInteger(rotationDays) || rotationDays < 1) throw new RangeError(`rotationDays must be a positive whole number of days (got ${rotationDays})`);
  const anchor = parseDate(KEY_ROTATION_ANCHOR) as Date;
  const epoch = Math.floor((clock.now().getTime() - anchor.getTime()) / (rotationDays * DAY_MS));
  const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");
  return { epoch, since: iso(addDays(anchor, epoch * rotationDays)), nextRotation: iso(addDays(anchor, (epoch + 1) * rotationDays)) };
}
