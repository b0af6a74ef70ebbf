import { compareText } from '../components/model/errors';
import { inKeyOrder } from '../components/model/names';

/**
 * The rules hand every label and annotation map on in key order. Most maps are built in order already,
 * or are small additions to one that is: these keep them as they are, or copy them once, where
 * sortKeys over a spread copies twice and sorts every key again.
 */

/** `sortKeys({ ...under, ...over })`, copied once; `over` as it is when `under` adds nothing. */
export function mergedInOrder<V>(under: Record<string, V>, over: Record<string, V>): Record<string, V> {
  let keys: string[] | undefined;
  for (const key of Object.keys(under)) {
    if (!Object.hasOwn(over, key)) (keys ??= Object.keys(over)).push(key);
  }
  if (!keys) return inKeyOrder(over);
  keys.sort(compareText);
  const merged: Record<string, V> = {};
  for (const key of keys) merged[key] = Object.hasOwn(over, key) ? over[key] : under[key];
  return merged;
}
