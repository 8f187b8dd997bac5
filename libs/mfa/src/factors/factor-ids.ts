const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Factor ids are UUIDs this service made; anything else names no factor (404, no stream read). */
export function isFactorId(value: string): boolean {
  return UUID.test(value);
}
