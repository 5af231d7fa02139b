/**
 * A copy of plain objects and arrays in which `replace` swaps any value for another; a value it keeps is walked
 * into when it is a plain object or an array, and kept as it is otherwise (class instances, bytes, primitives).
 */
export function mapPlainValues(value: unknown, replace: (value: unknown) => unknown): unknown {
  const replaced = replace(value);
  if (replaced !== value) return replaced;
  if (Array.isArray(value)) return value.map((item) => mapPlainValues(item, replace));
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapPlainValues(item, replace)]),
    );
  }
  return value;
}
