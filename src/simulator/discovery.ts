import type { ApiResource, ResourceCatalog } from './resourceCatalog.js';

/**
 * Legacy (non-aggregated) discovery documents: /version, /api, /api/v1, /apis, /apis/{g}, /apis/{g}/{v}.
 * kubectl asks for aggregated discovery in its Accept header but falls back to these when the
 * response is plain application/json, as older servers answer.
 */

const BUILD_DATE = '2025-06-17T18:26:35Z';

export function versionInfo(kubernetesVersion: string): Record<string, string> {
  const match = /^v(\d+)\.(\d+)/.exec(kubernetesVersion);
  return {
    major: match?.[1] ?? '1',
    minor: match?.[2] ?? '0',
    gitVersion: kubernetesVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: BUILD_DATE,
    goVersion: 'go1.24.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: { name: string; versions: string[] }): Record<string, unknown> {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

export function groupList(catalog: ResourceCatalog): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups().map(groupDocument) };
}

/** The APIGroup document, or undefined for a group the cluster neither builds in nor defines (404). */
export function group(catalog: ResourceCatalog, name: string): Record<string, unknown> | undefined {
  const found = catalog.groups().find((g) => g.name === name);
  return found ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(found) } : undefined;
}

function resourceDocument(resource: ApiResource): Record<string, unknown> {
  return {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: ['get', 'list'],
    ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
    ...(resource.categories.length > 0 ? { categories: resource.categories } : {}),
  };
}

/** The APIResourceList of one group version, or undefined when nothing is served there (404). */
export function resourceList(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const resources = catalog.resourcesIn(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.map(resourceDocument),
  };
}
