"use strict";
// Preloaded (node -r) to run a block with the clock NHI_CLOCK_OFFSET_DAYS days ahead: `new Date()`
// and `Date.now()` move, dates built from explicit values do not. A block whose dates are
// relative to today keeps working; one with a literal date that will pass fails now.
const days = Number(process.env.NHI_CLOCK_OFFSET_DAYS || 0);
if (days) {
  const offset = days * 86_400_000;
  const Real = Date;
  function Shifted(...args) {
    if (!new.target) return new Real(Real.now() + offset).toString();
    return args.length ? new Real(...args) : new Real(Real.now() + offset);
  }
  Shifted.prototype = Real.prototype;
  Shifted.now = () => Real.now() + offset;
  Shifted.UTC = Real.UTC;
  Shifted.parse = Real.parse;
  globalThis.Date = Shifted;
}
