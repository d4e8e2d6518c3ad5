import type { StoredObject } from './objectIndex.js';
import { asRecord } from './resourceCatalog.js';

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), as kubectl get asks for it.
 * Every resource gets the columns a custom resource without printer columns gets: Name and Age, the age
 * rendered by the server as kube-apiserver does (k8s.io/apimachinery/pkg/util/duration.HumanDuration).
 */
const COLUMNS = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  {
    name: 'Age',
    type: 'date',
    format: '',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
  },
];

/** Short human duration: 45s, 12m, 5h, 3d, 2y (coarser than upstream's two-unit forms, same style). */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 365 * 2 ? `${days}d` : `${Math.floor(days / 365)}y`;
}

export function tableOf(
  items: readonly StoredObject[],
  metadata: Record<string, unknown>,
  now: number = Date.now(),
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: COLUMNS,
    rows: items.map((item) => {
      const objectMetadata = asRecord(item.object['metadata']);
      const created = Date.parse(String(objectMetadata['creationTimestamp'] ?? ''));
      return {
        cells: [item.name, Number.isNaN(created) ? '<unknown>' : humanDuration(now - created)],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: objectMetadata },
      };
    }),
  };
}
