/**
 * Glob matching for exemptions and config: `*` matches any run of characters, `?` one.
 * Iterative with a single backtrack point, so its cost is O(text × pattern) at worst: no
 * regular expression is built from user input, and no pattern can cause catastrophic backtracking.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    // A `*` in the pattern is always the wildcard, also where the text has a literal `*`.
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
