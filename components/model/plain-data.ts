/**
 * The kind of object the schemas' fast paths take on themselves: an object literal without symbols.
 * zod's objects and records take more (class instances, null prototypes, symbol keys), which the fast
 * paths leave to the schema.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

/** Whether an object has no key beyond `allowed`: a strict schema refuses any other. */
export function onlyKeys(input: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in input) if (!allowed.has(key)) return false;
  return true;
}
