import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import { kubernetesTimestamp } from './relativeTime.js';
import {
  type ApiResource,
  asRecord,
  builtinResources,
  guessPlural,
  ResourceCatalog,
  resourceFromCrd,
  splitApiVersion,
  unservedBuiltin,
} from './resourceCatalog.js';
import { type FieldRequirement, type LabelRequirement, matchesFields, matchesLabels } from './selectors.js';

/**
 * The objects of one simulated cluster, indexed by resource and kept sorted by etcd key order
 * (namespace/name), so a page of a 20,000-item list is a binary search plus a short scan, and
 * nothing is copied per request: each object is serialised once, at load.
 */
export interface StoredObject {
  /** `namespace/name` for namespaced resources, `name` otherwise: the etcd key order. */
  key: string;
  namespace: string | undefined;
  name: string;
  labels: Record<string, string>;
  /** Fields usable in fieldSelector. */
  fields: Record<string, string>;
  object: Record<string, unknown>;
  /** The object serialised once, as served by a get. */
  json: string;
  /** As an item of a list: built-in (typed) lists omit kind and apiVersion on items, custom resource lists keep them. */
  itemJson: string;
  /** The apiVersion the object was loaded with (lists at other served versions rewrite it). */
  apiVersion: string;
}

export interface ListQuery {
  namespace?: string;
  labels?: LabelRequirement[];
  fields?: FieldRequirement[];
  limit?: number;
  /** Resume after this key (from a continue token). */
  afterKey?: string;
}

export interface ListPage {
  items: StoredObject[];
  /** Key of the last item when more items follow. */
  continueAfter?: string;
  /** Items left after this page (only computed without selectors, as upstream). */
  remainingItemCount?: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problem with an object as loaded, or undefined when it has apiVersion, kind and metadata.name. */
export function objectShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'expected a mapping (a Kubernetes object)';
  const object = value as Record<string, unknown>;
  if (typeof object['apiVersion'] !== 'string' || object['apiVersion'] === '') return 'missing apiVersion';
  if (typeof object['kind'] !== 'string' || object['kind'] === '') return 'missing kind';
  const metadata = object['metadata'];
  const name = asRecord(metadata)['name'];
  if (typeof name !== 'string' || name === '') return 'missing metadata.name';
  const namespace = asRecord(metadata)['namespace'];
  if (namespace !== undefined && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace))) {
    return `metadata.namespace ${JSON.stringify(namespace)} is not a valid namespace name and cannot be defaulted`;
  }
  return undefined;
}

function stableUid(cluster: string, resource: ApiResource, key: string): string {
  const hex = createHash('sha256').update(`${cluster}\0${resource.group}/${resource.plural}\0${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What a real API server sets on every Namespace it creates: the `kubernetes.io/metadata.name`
 * label (always the name, whatever was sent), the `kubernetes` finalizer and phase Active.
 * A phase or finalizers given in the file are kept (a Terminating namespace stays one).
 */
function defaultNamespaceFields(object: Record<string, unknown>): void {
  const metadata = asRecord(object['metadata']);
  metadata['labels'] = { ...asRecord(metadata['labels']), 'kubernetes.io/metadata.name': metadata['name'] };
  const spec = asRecord(object['spec']);
  spec['finalizers'] ??= ['kubernetes'];
  object['spec'] = spec;
  const status = asRecord(object['status']);
  status['phase'] ??= 'Active';
  object['status'] = status;
}

function lowerBound(items: readonly StoredObject[], key: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((items[mid]?.key ?? '') < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound(items: readonly StoredObject[], key: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((items[mid]?.key ?? '') <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class ObjectIndex {
  readonly catalog = new ResourceCatalog();
  /** The highest resourceVersion handed out: the list resourceVersion. */
  readonly resourceVersion: string;
  private readonly byResource = new Map<string, { items: StoredObject[]; byKey: Map<string, StoredObject> }>();

  /**
   * Throws ConfigError (one problem per bad object) when objects lack apiVersion/kind/name, carry an
   * invalid namespace, or repeat the same resource/namespace/name.
   */
  constructor(
    cluster: string,
    objects: readonly Record<string, unknown>[],
    options: {
      now: Date;
      describe?: (index: number) => string;
      /** What /version reports: decides the built-in APIs served (ServiceCIDR from 1.31). @default the newest */
      kubernetesVersion?: string;
    },
  ) {
    const describe = options.describe ?? ((index: number) => `object ${index + 1}`);
    const problems: string[] = [];
    objects.forEach((object, index) => {
      const problem =
        objectShapeProblem(object) ??
        unservedBuiltin(object['apiVersion'] as string, object['kind'] as string, options.kubernetesVersion);
      if (problem) problems.push(`cluster ${cluster}: ${describe(index)}: ${problem}`);
    });
    if (problems.length > 0) throw new ConfigError(problems[0] ?? 'invalid objects', problems);

    for (const resource of builtinResources(options.kubernetesVersion)) this.catalog.add(resource);
    for (const object of objects) {
      if (object['kind'] === 'CustomResourceDefinition') {
        const resource = resourceFromCrd(object);
        if (resource) this.catalog.add(resource);
      }
    }
    this.inferUndefinedResources(objects);

    const namespacesInUse = new Set<string>();
    const loadedFrom = new Map<Record<string, unknown>, number>();
    let counter = 1000;
    const creationTimestamp = kubernetesTimestamp(options.now);
    objects.forEach((original, index) => {
      const { group } = splitApiVersion(original['apiVersion'] as string);
      const resource = this.catalog.byKind(group, original['kind'] as string);
      if (!resource) return; // unreachable: inferUndefinedResources registered every kind
      const object = structuredClone(original);
      const metadata = asRecord(object['metadata']);
      object['metadata'] = metadata;
      if (resource.namespaced) {
        if (metadata['namespace'] === undefined) metadata['namespace'] = 'default';
        namespacesInUse.add(metadata['namespace'] as string);
      } else {
        delete metadata['namespace'];
      }
      counter += 1;
      metadata['resourceVersion'] ??= String(counter);
      metadata['creationTimestamp'] ??= creationTimestamp;
      if (resource.group === '' && resource.plural === 'namespaces') defaultNamespaceFields(object);
      const duplicate = this.insert(cluster, resource, object);
      if (duplicate) {
        const first = loadedFrom.get(duplicate.existing.object);
        const firstPlace = first === undefined ? '' : ` (first defined in ${describe(first)})`;
        problems.push(`cluster ${cluster}: ${describe(index)}: duplicate ${duplicate.description}${firstPlace}`);
      } else {
        loadedFrom.set(object, index);
      }
    });
    this.addImplicitNamespaces(cluster, namespacesInUse, creationTimestamp, () => String(++counter));
    if (problems.length > 0) throw new ConfigError(problems[0] ?? 'duplicate objects', problems);
    for (const entry of this.byResource.values())
      entry.items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.resourceVersion = String(counter + 1);
  }

  /** Kinds neither built in nor CRD-defined get a resource guessed from the objects (namespaced if any has a namespace). */
  private inferUndefinedResources(objects: readonly Record<string, unknown>[]): void {
    const inferred = new Map<string, ApiResource>();
    for (const object of objects) {
      const { group, version } = splitApiVersion(object['apiVersion'] as string);
      const kind = object['kind'] as string;
      if (this.catalog.byKind(group, kind)) continue;
      const key = `${group}/${kind}`;
      const resource = inferred.get(key) ?? {
        group,
        versions: [],
        plural: guessPlural(kind),
        singular: kind.toLowerCase(),
        kind,
        namespaced: false,
        shortNames: [],
        categories: [],
      };
      if (!resource.versions.includes(version)) resource.versions.push(version);
      if (asRecord(object['metadata'])['namespace'] !== undefined) resource.namespaced = true;
      inferred.set(key, resource);
    }
    for (const resource of inferred.values()) this.catalog.add(resource);
  }

  /** A real cluster refuses objects in a namespace that does not exist: create the namespaces fixtures only imply. */
  private addImplicitNamespaces(
    cluster: string,
    names: Set<string>,
    creationTimestamp: string,
    nextVersion: () => string,
  ) {
    const namespaces = this.catalog.byKind('', 'Namespace');
    if (!namespaces) return;
    for (const name of names) {
      if (this.get(namespaces, undefined, name)) continue;
      this.insert(cluster, namespaces, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          labels: { 'kubernetes.io/metadata.name': name },
          resourceVersion: nextVersion(),
          creationTimestamp,
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  }

  /** Adds one object, unless it duplicates an existing one (then says which). */
  private insert(
    cluster: string,
    resource: ApiResource,
    object: Record<string, unknown>,
  ): { description: string; existing: StoredObject } | undefined {
    const metadata = asRecord(object['metadata']);
    const name = metadata['name'] as string;
    const namespace = resource.namespaced ? (metadata['namespace'] as string) : undefined;
    const key = namespace === undefined ? name : `${namespace}/${name}`;
    const resourceKey = `${resource.group}/${resource.plural}`;
    const entry = this.byResource.get(resourceKey) ?? { items: [], byKey: new Map<string, StoredObject>() };
    this.byResource.set(resourceKey, entry);
    const existing = entry.byKey.get(key);
    if (existing)
      return { description: `${resource.plural}${resource.group ? `.${resource.group}` : ''} ${key}`, existing };
    metadata['uid'] ??= stableUid(cluster, resource, key);
    const labels = Object.fromEntries(
      Object.entries(asRecord(metadata['labels'])).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const fields: Record<string, string> = { 'metadata.name': name, 'metadata.namespace': namespace ?? '' };
    if (resource.group === '' && resource.plural === 'secrets') fields['type'] = String(object['type'] ?? 'Opaque');
    const json = JSON.stringify(object);
    const stored: StoredObject = {
      key,
      namespace,
      name,
      labels,
      fields,
      object,
      json,
      itemJson: resource.builtin ? JSON.stringify({ ...object, kind: undefined, apiVersion: undefined }) : json,
      apiVersion: object['apiVersion'] as string,
    };
    entry.items.push(stored);
    entry.byKey.set(key, stored);
    return undefined;
  }

  get(resource: ApiResource, namespace: string | undefined, name: string): StoredObject | undefined {
    const key = resource.namespaced ? `${namespace ?? ''}/${name}` : name;
    return this.byResource.get(`${resource.group}/${resource.plural}`)?.byKey.get(key);
  }

  count(resource: ApiResource): number {
    return this.byResource.get(`${resource.group}/${resource.plural}`)?.items.length ?? 0;
  }

  list(resource: ApiResource, query: ListQuery): ListPage {
    const items = this.byResource.get(`${resource.group}/${resource.plural}`)?.items ?? [];
    const prefix = resource.namespaced && query.namespace !== undefined ? `${query.namespace}/` : '';
    const rangeStart = prefix ? lowerBound(items, prefix) : 0;
    const rangeEnd = prefix ? lowerBound(items, `${query.namespace}0`) : items.length; // '0' sorts right after '/'
    const start = query.afterKey === undefined ? rangeStart : Math.max(rangeStart, upperBound(items, query.afterKey));
    const limit = query.limit && query.limit > 0 ? query.limit : Number.POSITIVE_INFINITY;
    const selecting = (query.labels?.length ?? 0) > 0 || (query.fields?.length ?? 0) > 0;
    const page: StoredObject[] = [];
    let index = start;
    for (; index < rangeEnd && page.length < limit; index += 1) {
      const item = items[index];
      if (!item) continue;
      if (query.labels && !matchesLabels(query.labels, item.labels)) continue;
      if (query.fields && !matchesFields(query.fields, item.fields)) continue;
      page.push(item);
    }
    if (page.length < limit) return { items: page };
    // A full page: more follow only if another item in range matches (a real server reports a token then anyway).
    let more = index < rangeEnd;
    if (selecting) {
      more = false;
      for (let next = index; next < rangeEnd && !more; next += 1) {
        const item = items[next];
        more =
          item !== undefined &&
          matchesLabels(query.labels ?? [], item.labels) &&
          matchesFields(query.fields ?? [], item.fields);
      }
    }
    if (!more) return { items: page };
    const last = page[page.length - 1];
    return {
      items: page,
      ...(last ? { continueAfter: last.key } : {}),
      ...(selecting ? {} : { remainingItemCount: rangeEnd - index }),
    };
  }
}
