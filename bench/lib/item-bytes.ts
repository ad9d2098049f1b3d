// The size DynamoDB bills an item at, by its documented rules ("Item sizes and formats"): each
// attribute's name in UTF-8 plus its value, a string's UTF-8 bytes, a binary's bytes, a number about
// one byte per two significant digits plus one, and a map or list 3 bytes plus 1 per element.

export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') return 3 + Object.keys(value).length + itemBytes(value as Record<string, unknown>);
  return 0;
}

function numberBytes(value: number): number {
  const digits = String(Math.abs(value))
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1 + (value < 0 ? 1 : 0);
}
