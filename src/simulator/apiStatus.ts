import type { ApiResource } from './resourceCatalog.js';

/**
 * `Status` bodies with the reason, code, message and details kube-apiserver sends
 * (k8s.io/apimachinery/pkg/api/errors), so clients that branch on them behave as against a real cluster.
 */
export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

export interface StatusResponse {
  status: ApiStatus;
  headers?: Record<string, string>;
}

function failure(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusResponse {
  return {
    status: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
  };
}

function qualified(resource: ApiResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

export function unauthorized(): StatusResponse {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(
  resource: ApiResource,
  user: string,
  verb: 'get' | 'list',
  namespace: string | undefined,
  name?: string,
): StatusResponse {
  const subject = name === undefined ? qualified(resource) : `${qualified(resource)} "${name}"`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`;
  return failure(403, 'Forbidden', message, {
    ...(name === undefined ? {} : { name }),
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.plural,
  });
}

export function objectNotFound(resource: ApiResource, name: string): StatusResponse {
  return failure(404, 'NotFound', `${qualified(resource)} "${name}" not found`, {
    name,
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.plural,
  });
}

export function pathNotFound(): StatusResponse {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function methodNotAllowed(method: string): StatusResponse {
  return failure(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
    {},
  );
}

export function badRequest(message: string): StatusResponse {
  return failure(400, 'BadRequest', message);
}

export function expired(): StatusResponse {
  return failure(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

export function tooManyRequests(): StatusResponse {
  const response = failure(429, 'TooManyRequests', 'Too many requests, please try again later.', {
    retryAfterSeconds: 1,
  });
  return { ...response, headers: { 'Retry-After': '1' } };
}

export function internalError(cause: string): StatusResponse {
  return failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}
