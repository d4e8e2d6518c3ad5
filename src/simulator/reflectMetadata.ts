/**
 * @peculiar/x509 resolves its algorithm providers through tsyringe, which refuses to load without a
 * `Reflect.getMetadata` polyfill (https://github.com/microsoft/tsyringe#installation) and no polyfill
 * package is installed. tsyringe only needs define/get/getOwn metadata, so a WeakMap-backed version
 * of those three is enough. Call installReflectMetadata() before loading '@peculiar/x509'.
 */
type MetadataTarget = object;
const store = new WeakMap<MetadataTarget, Map<string | symbol | undefined, Map<unknown, unknown>>>();

function table(target: MetadataTarget, property: string | symbol | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (!byProperty && create) {
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty?.get(property);
  if (!entries && create && byProperty) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

interface ReflectWithMetadata {
  getMetadata?: unknown;
  defineMetadata?: unknown;
  getOwnMetadata?: unknown;
}

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as ReflectWithMetadata;
  if (typeof reflect.getMetadata === 'function') return;
  const getOwnMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) =>
    table(target, property, false)?.get(key);
  reflect.defineMetadata = (key: unknown, value: unknown, target: MetadataTarget, property?: string | symbol) => {
    table(target, property, true)?.set(key, value);
  };
  reflect.getOwnMetadata = getOwnMetadata;
  reflect.getMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) => {
    for (let current: MetadataTarget | null = target; current; current = Object.getPrototypeOf(current)) {
      const value = getOwnMetadata(key, current, property);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

// Importing the module installs it too: tests that load @peculiar/x509 themselves import it first.
installReflectMetadata();
