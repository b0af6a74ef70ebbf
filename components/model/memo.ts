/**
 * A pure function of a small key, remembered: a generated catalogue passes the same few thresholds,
 * durations and regexes through it thousands of times. When it holds `limit` keys it forgets them all
 * and starts again, so that a long-running process does not keep every key it ever saw.
 */
export function boundedMemo<K, V>(compute: (key: K) => V, limit: number): (key: K) => V {
  const remembered = new Map<K, V>();
  return (key) => {
    if (remembered.has(key)) return remembered.get(key) as V;
    const value = compute(key);
    if (remembered.size >= limit) remembered.clear();
    remembered.set(key, value);
    return value;
  };
}
