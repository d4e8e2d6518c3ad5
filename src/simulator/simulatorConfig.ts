import * as z from 'zod';

/**
 * `simulator.yaml`: how one simulated cluster's API server behaves (not an object of the cluster).
 * See examples/fleet/README.md for an annotated example.
 */

/** A certificate authority usable as `issuer` by later authorities and by secrets. */
export interface GeneratedAuthority {
  id: string;
  /** e.g. 'CN=Cluster A Mesh Root, O=Example' */
  subject: string;
  /** Another authority's id; omitted means self-signed (a root). */
  issuer?: string;
  /** Days relative to now; default -1. */
  notBeforeDays?: number;
  /** Validity from now in days; default 3650. */
  validDays?: number;
}

/** A `kubernetes.io/tls` Secret: tls.crt = leaf + intermediates up to (not including) the root, tls.key, ca.crt = root. */
export interface GeneratedTlsSecret {
  namespace: string;
  name: string;
  subject: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Authority id; omitted means a self-signed leaf. */
  issuer?: string;
  /** Days relative to now; default -30. */
  notBeforeDays?: number;
  /** Days relative to now (negative: already expired); default 90. */
  notAfterDays?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A ConfigMap whose `key` holds the PEM certificates of the listed authorities (e.g. istio-ca-root-cert). */
export interface GeneratedCaConfigMap {
  namespace: string;
  name: string;
  key: string;
  authorities: string[];
}

/** Istio plug-in CA Secret (istio-system/cacerts): ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem. */
export interface GeneratedIstioCacerts {
  authority: string;
  root: string;
  namespace?: string;
  name?: string;
}

export interface GeneratedCertificatesConfig {
  authorities?: GeneratedAuthority[];
  secrets?: GeneratedTlsSecret[];
  configMaps?: GeneratedCaConfigMap[];
  istioCacerts?: GeneratedIstioCacerts;
}

export interface SimulatorConfig {
  /** What /version reports; default DEFAULT_KUBERNETES_VERSION. */
  kubernetesVersion?: string;
  /** Port on 127.0.0.1 to serve at; default: a free port picked at start. */
  port?: number;
  /** Validity of the API server's serving certificate from now; default 365. */
  servingCertValidDays?: number;
  /** Resources answering 403 for list and get, as plural.group (core: plural). */
  forbidden?: string[];
  faults?: { unreachable?: boolean; latencyMs?: number; tooManyRequestsEvery?: number; serverErrorEvery?: number };
  certificates?: GeneratedCertificatesConfig;
}

export const DEFAULT_KUBERNETES_VERSION = 'v1.34.2';
export const DEFAULT_SERVING_CERT_VALID_DAYS = 365;

const name = z.string().min(1);
const stringMap = z.record(z.string(), z.string());
const nonNegativeInt = z.number().int().nonnegative();

export const simulatorConfigSchema: z.ZodType<SimulatorConfig> = z.strictObject({
  kubernetesVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+/, 'expected a version such as v1.33.2')
    .optional(),
  port: z.number().int().min(1).max(65535).optional(),
  servingCertValidDays: z.number().optional(),
  forbidden: z.array(name).optional(),
  faults: z
    .strictObject({
      unreachable: z.boolean().optional(),
      latencyMs: nonNegativeInt.optional(),
      tooManyRequestsEvery: nonNegativeInt.optional(),
      serverErrorEvery: nonNegativeInt.optional(),
    })
    .optional(),
  certificates: z
    .strictObject({
      authorities: z
        .array(
          z.strictObject({
            id: name,
            subject: name,
            issuer: name.optional(),
            notBeforeDays: z.number().optional(),
            validDays: z.number().optional(),
          }),
        )
        .optional(),
      secrets: z
        .array(
          z.strictObject({
            namespace: name,
            name,
            subject: name,
            dnsNames: z.array(name).optional(),
            ipAddresses: z.array(name).optional(),
            issuer: name.optional(),
            notBeforeDays: z.number().optional(),
            notAfterDays: z.number().optional(),
            labels: stringMap.optional(),
            annotations: stringMap.optional(),
          }),
        )
        .optional(),
      configMaps: z
        .array(z.strictObject({ namespace: name, name, key: name, authorities: z.array(name).min(1) }))
        .optional(),
      istioCacerts: z
        .strictObject({ authority: name, root: name, namespace: name.optional(), name: name.optional() })
        .optional(),
    })
    .optional(),
});

/** Problems with a config, each naming the offending key path, or [] when it is valid. */
export function simulatorConfigProblems(value: unknown): string[] {
  const result = simulatorConfigSchema.safeParse(value ?? {});
  if (result.success) return [];
  return result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`,
  );
}
