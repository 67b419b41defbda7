// Run a generated program at the tests' clock (NHI_TEST_NOW, an ISO time): the programs use the
// system clock, as users run them, and the tests fix time (test/helpers.ts NOW) so that no test
// starts failing when a date passes. `new Date()` and `Date.now()` answer that instant.
const at = process.env.NHI_TEST_NOW;
if (at) {
  const fixed = new Date(at).getTime();
  if (Number.isNaN(fixed)) throw new Error(`NHI_TEST_NOW ${at} is not a time`);
  const RealDate = Date;
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(fixed);
      else super(...args);
    }
    static now() {
      return fixed;
    }
  }
  globalThis.Date = FixedDate;
}
