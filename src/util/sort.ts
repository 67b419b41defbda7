/**
 * `list.sort()` for short lists of strings, in place: an insertion sort comparing as `sort()`
 * does (by UTF-16 code units, as `<` does; stable), without the work array `sort()` allocates
 * on every call (object keys in canonical JSON, part ids: hundreds of thousands of short lists
 * in a 100k-resource plan). Longer lists go to `sort()`.
 */
export function sortStrings(list: string[]): string[] {
  if (list.length > 32) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    let j = i - 1;
    while (j >= 0 && v < list[j]) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = v;
  }
  return list;
}
