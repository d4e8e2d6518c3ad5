/**
 * The fleet file, parsed from its text (parseFleetText): which clusters to snapshot and how to
 * reach each one. fleetFile.ts adds the readers and the kubeconfig loading; this module does not
 * load the Kubernetes client, so a function that only reads the fleet (the report) does not bundle it.
 *
 * ```yaml
 * clusters:
 *   - name: prod-east                     # unique; [a-z0-9-]
 *     labels: { mesh: corp, env: prod }   # mesh, network: connected groups (src/evaluate/connectivity.ts)
 *     aliases: [https://prod-east.k8s.example.com:6443]   # how other clusters name its API server
 *     kubeconfig: { path: ./kubeconfig, context: prod-east }   # path relative to the fleet file
 *   - name: prod-west
 *     eks: { cluster: prod-west, region: eu-west-1, roleArn: arn:aws:iam::123456789012:role/audit }
 *   - name: lab
 *     token: { server: https://10.0.0.1:6443, caFile: ./lab-ca.pem, tokenEnv: LAB_TOKEN }  # or tokenFile, tokenSecret
 * defaults: { concurrency: 8, requestTimeoutSeconds: 20, excludeNamespaces: [kube-system, kube-public, kube-node-lease] }
 *   # readSecrets: false   # never read Secrets (for a reader role without `secrets`)
 *   # maxResponseMiB: 64   # the largest API answer read (default 64)
 * rules: { quotaNearLimit: 0.85 }
 * ```
 *
 * Every mistake is reported at once (`<file>: clusters[2].eks.region: expected ...`) as one
 * ConfigError, before anything is collected. Relative paths are resolved against the fleet file's
 * directory here, so the rest of the program only sees absolute paths.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { kubeconfigProblem } from '../collect/access/kubeconfigProblem.js';
import { type ConfigFile, parseConfigYaml, readConfigFile } from '../core/configFile.js';
import { ConfigError } from '../core/errors.js';
import { withoutUrlCredentials } from '../core/urls.js';
import { useCustomRules } from '../evaluate/catalog.js';
import { normalizeServerUrl } from '../evaluate/endpoints.js';
import type { Rule } from '../evaluate/rule.js';
import { RuleThresholds } from '../evaluate/thresholds.js';

const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const nonEmpty = (example: string) =>
  z.string({ error: `expected a string (e.g. ${example})` }).min(1, `expected a non-empty string (e.g. ${example})`);

const KubeconfigAccessInput = z.strictObject({
  path: nonEmpty('./kubeconfig'),
  context: nonEmpty('prod-east').optional(),
});
const EksAccessInput = z.strictObject({
  cluster: nonEmpty('prod-west'),
  region: nonEmpty('eu-west-1'),
  roleArn: z
    .string({ error: 'expected an IAM role ARN (e.g. arn:aws:iam::123456789012:role/audit)' })
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
      'expected an IAM role ARN (e.g. arn:aws:iam::123456789012:role/audit)',
    )
    .optional(),
});
const SECRET_EXAMPLE = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleetledger/lab-AbCdEf';
/** A secret's ARN (any partition) or its name (Secrets Manager's own character set). */
const SECRET_ID =
  /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/;

const TokenAccessInput = z
  .strictObject({
    server: z.url({ protocol: /^https$/, error: 'expected an https:// URL (e.g. https://10.0.0.1:6443)' }),
    caFile: nonEmpty('./lab-ca.pem').optional(),
    caData: nonEmpty('base64 PEM').optional(),
    tokenEnv: z
      .string({ error: 'expected an environment variable name (e.g. LAB_TOKEN)' })
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name (e.g. LAB_TOKEN)')
      .optional(),
    tokenFile: nonEmpty('./lab-token').optional(),
    // Read at run time (src/collect/access/secretTokens.ts): the deployed functions hold no token.
    tokenSecret: z
      .string({ error: `expected a Secrets Manager secret ARN or name (e.g. ${SECRET_EXAMPLE})` })
      .regex(SECRET_ID, `expected a Secrets Manager secret ARN or name (e.g. ${SECRET_EXAMPLE})`)
      .optional(),
  })
  .superRefine((token, ctx) => {
    const sources = [token.tokenEnv, token.tokenFile, token.tokenSecret].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of tokenEnv, tokenFile or tokenSecret', path: [] });
    }
    if (token.caFile !== undefined && token.caData !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at most one of caFile or caData', path: [] });
    }
  });

const ALIAS_EXAMPLE = 'https://prod-east.k8s.example.com:6443';
/** Another address of the cluster's API server: how other clusters (Argo CD, KubeFed, Istio) name it. */
const AliasInput = z
  .url({ protocol: /^https$/, error: `expected an https:// URL of the API server (e.g. ${ALIAS_EXAMPLE})` })
  // Aliases are copied into snapshots and reports: no credentials may ride along.
  .refine((url) => withoutUrlCredentials(url) === url, 'expected a URL without user name or password');

const ClusterInput = z
  .strictObject({
    name: z
      .string({ error: 'expected a cluster name of [a-z0-9-] (e.g. prod-east)' })
      .regex(CLUSTER_NAME, 'expected a cluster name of [a-z0-9-] (e.g. prod-east)'),
    labels: z.record(z.string(), z.string({ error: 'expected a string label value' })).default({}),
    aliases: z.array(AliasInput, { error: `expected a list of https:// URLs (e.g. [${ALIAS_EXAMPLE}])` }).default([]),
    kubeconfig: KubeconfigAccessInput.optional(),
    eks: EksAccessInput.optional(),
    token: TokenAccessInput.optional(),
  })
  .superRefine((cluster, ctx) => {
    const ways = [cluster.kubeconfig, cluster.eks, cluster.token].filter((w) => w !== undefined).length;
    if (ways !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of kubeconfig, eks or token', path: [] });
    }
  });

export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

const MAX_RESPONSE_EXPECTED = 'expected a size in MiB greater than 0 and at most 4096 (e.g. 64)';

const DefaultsInput = z.strictObject({
  concurrency: z.number({ error: 'expected an integer from 1 to 256' }).int().min(1).max(256).default(8),
  requestTimeoutSeconds: z.number({ error: 'expected a number of seconds (e.g. 20)' }).positive().max(600).default(20),
  excludeNamespaces: z.array(z.string()).default([...DEFAULT_EXCLUDED_NAMESPACES]),
  readSecrets: z.boolean({ error: 'expected true or false' }).optional(),
  maxResponseMiB: z
    .number({ error: MAX_RESPONSE_EXPECTED })
    .positive(MAX_RESPONSE_EXPECTED)
    .max(4096, MAX_RESPONSE_EXPECTED)
    .optional(),
});

// Clusters are validated one by one (below) so that problems in one cluster never hide those of another.
const FleetInput = z.strictObject({
  clusters: z.array(z.unknown(), { error: 'expected a list of clusters' }).min(1, 'expected at least one cluster'),
  defaults: DefaultsInput.default({
    concurrency: 8,
    requestTimeoutSeconds: 20,
    excludeNamespaces: [...DEFAULT_EXCLUDED_NAMESPACES],
  }),
  rules: RuleThresholds.optional(),
});

/** How to reach one cluster; paths are absolute. */
export type ClusterAccessSpec =
  | { kind: 'kubeconfig'; path: string; context: string | null }
  | { kind: 'eks'; cluster: string; region: string; roleArn: string | null }
  | {
      kind: 'token';
      server: string;
      caFile: string | null;
      caData: string | null;
      tokenEnv: string | null;
      tokenFile: string | null;
      /** A Secrets Manager secret (ARN or name) whose SecretString is the token. */
      tokenSecret: string | null;
    };

export interface ClusterTarget {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Other addresses of its API server (see connectivity in src/evaluate/connectivity.ts). */
  readonly aliases: readonly string[];
  readonly access: ClusterAccessSpec;
}

export interface FleetDefaults {
  readonly concurrency: number;
  readonly requestTimeoutSeconds: number;
  readonly excludeNamespaces: readonly string[];
  /**
   * false: no request touches Secrets (TLS, Istio CA, Argo CD cluster and Istio remote Secrets);
   * the checks that need them are not evaluated and the report lists them. @default true
   */
  readonly readSecrets?: boolean;
  /**
   * The largest answer read from an API server, in MiB: a larger one fails its request (that
   * section's error), and reading stops there, so memory stays bounded. @default 64
   */
  readonly maxResponseMiB?: number;
}

export interface Fleet {
  /** Where the fleet came from (fleet file or kubeconfig path), for messages. */
  readonly source: string;
  readonly clusters: readonly ClusterTarget[];
  readonly defaults: FleetDefaults;
  /** The `rules:` key, validated; null when the file has none (the evaluator uses its defaults). */
  readonly rules: RuleThresholds | null;
}

/** `clusters[2].eks.region` from a zod issue path. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function issueProblems(file: string, error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message;
    return `${file}: ${formatKeyPath([...prefix, ...issue.path])}: ${message}`;
  });
}

/**
 * Parses fleet file text. `file` names the file in messages and anchors relative paths.
 * Throws one ConfigError holding every problem found.
 */
export function parseFleetText(text: string, file: string, options: FleetFileOptions = {}): Fleet {
  return parseFleetDocument(parseConfigYaml({ path: file, text }), file, options);
}

/**
 * Validates a fleet file's parsed YAML (parseConfigYaml), for a caller that looked into the
 * document first (the deployed functions read the rules files it names before validating it).
 */
export function parseFleetDocument(document: unknown, file: string, options: FleetFileOptions = {}): Fleet {
  useRulesFilesOf(document, file, options);
  const parsed = FleetInput.safeParse(document ?? {});
  const problems = parsed.success ? [] : issueProblems(file, parsed.error);
  const rawClusters: unknown[] = Array.isArray(parsed.data?.clusters) ? parsed.data.clusters : rawClusterList(document);

  const base = dirname(resolve(file));
  const kubeconfigs = options.kubeconfigs;
  if (options.checkAccess !== false && !kubeconfigs) {
    throw new TypeError(
      'parseFleetDocument: checking access needs options.kubeconfigs (parseFleetFile gives a fresh set)',
    );
  }
  const seen = new Map<string, number>();
  const clusters: ClusterTarget[] = [];
  rawClusters.forEach((raw, index) => {
    // Duplicates are checked on the raw names, so a mistake elsewhere in an entry does not hide them.
    const rawName = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
    if (typeof rawName === 'string') {
      const previous = seen.get(rawName);
      if (previous !== undefined) {
        problems.push(
          `${file}: clusters[${index}].name: expected a unique name, "${rawName}" is also clusters[${previous}]`,
        );
      } else {
        seen.set(rawName, index);
      }
    }
    const cluster = ClusterInput.safeParse(raw);
    if (!cluster.success) problems.push(...issueProblems(file, cluster.error, ['clusters', index]));
    // The access block is checked whenever it parses on its own, so a bad name or label in the same
    // entry does not hide a missing kubeconfig or token file until the next attempt.
    const access = cluster.success ? accessSpec(cluster.data, base) : accessOfOwnBlock(raw, base);
    if (access && options.checkAccess !== false && kubeconfigs) {
      problems.push(...checkAccessFiles(access, `${file}: clusters[${index}]`, kubeconfigs));
    }
    if (cluster.success && access) {
      clusters.push({ name: cluster.data.name, labels: cluster.data.labels, aliases: cluster.data.aliases, access });
    }
  });
  problems.push(...sharedAliases(rawClusters, file));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems[0] ?? `${file}: invalid`, problems);
  const { defaults, rules } = parsed.data;
  return {
    source: file,
    clusters,
    defaults,
    rules: rules ? withCollectionExcludes(rules, document, defaults) : null,
  };
}

/**
 * `rules.excludeNamespaces` defaults to `defaults.excludeNamespaces` (as without a `rules:` key):
 * a namespace left out of collection has no NetworkPolicy or mTLS posture in the snapshot, and
 * checking it anyway would report gaps that are not there.
 */
function withCollectionExcludes(rules: RuleThresholds, document: unknown, defaults: FleetDefaults): RuleThresholds {
  const raw = typeof document === 'object' && document !== null ? (document as { rules?: unknown }).rules : undefined;
  const named = typeof raw === 'object' && raw !== null && 'excludeNamespaces' in raw;
  return named ? rules : { ...rules, excludeNamespaces: [...defaults.excludeNamespaces] };
}

/** An alias names one cluster: matched against what other clusters show, two would be ambiguous. */
function sharedAliases(rawClusters: readonly unknown[], file: string): string[] {
  const owners = new Map<string, number>();
  const problems: string[] = [];
  rawClusters.forEach((raw, index) => {
    // Each valid alias counts, so that a mistake beside it does not hide a clash.
    const given = (raw as { aliases?: unknown } | null)?.aliases;
    (Array.isArray(given) ? given : []).forEach((alias: unknown, position) => {
      if (!AliasInput.safeParse(alias).success) return;
      const address = normalizeServerUrl(alias as string);
      const owner = owners.get(address);
      if (owner === undefined) owners.set(address, index);
      else if (owner !== index) {
        problems.push(
          `${file}: clusters[${index}].aliases[${position}]: expected an address of one cluster, ${alias} is also an alias of clusters[${owner}]`,
        );
      }
    });
  });
  return problems;
}

function rawClusterList(document: unknown): unknown[] {
  if (typeof document !== 'object' || document === null) return [];
  const clusters = (document as { clusters?: unknown }).clusters;
  return Array.isArray(clusters) ? clusters : [];
}

type AccessInput = Pick<z.infer<typeof ClusterInput>, 'kubeconfig' | 'eks' | 'token'>;

/** The access of an entry that failed validation, when its one access block is valid by itself. */
function accessOfOwnBlock(raw: unknown, base: string): ClusterAccessSpec | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const entry = raw as Record<string, unknown>;
  const given = (['kubeconfig', 'eks', 'token'] as const).filter((key) => entry[key] !== undefined);
  if (given.length !== 1) return null;
  const [way] = given;
  if (way === 'kubeconfig') {
    const block = KubeconfigAccessInput.safeParse(entry[way]);
    return block.success ? accessSpec({ kubeconfig: block.data }, base) : null;
  }
  if (way === 'eks') {
    const block = EksAccessInput.safeParse(entry[way]);
    return block.success ? accessSpec({ eks: block.data }, base) : null;
  }
  const block = TokenAccessInput.safeParse(entry['token']);
  return block.success ? accessSpec({ token: block.data }, base) : null;
}

function accessSpec(input: AccessInput, base: string): ClusterAccessSpec {
  if (input.kubeconfig) {
    return {
      kind: 'kubeconfig',
      path: resolve(base, input.kubeconfig.path),
      context: input.kubeconfig.context ?? null,
    };
  }
  if (input.eks) {
    return { kind: 'eks', cluster: input.eks.cluster, region: input.eks.region, roleArn: input.eks.roleArn ?? null };
  }
  const token = input.token!;
  return {
    kind: 'token',
    server: token.server,
    caFile: token.caFile ? resolve(base, token.caFile) : null,
    caData: token.caData ?? null,
    tokenEnv: token.tokenEnv ?? null,
    tokenFile: token.tokenFile ? resolve(base, token.tokenFile) : null,
    tokenSecret: token.tokenSecret ?? null,
  };
}

/** Files and contexts named by the fleet file must exist: a typo is a configuration mistake, not an unreachable cluster. */
function checkAccessFiles(access: ClusterAccessSpec, where: string, kubeconfigs: KubeconfigChecks): string[] {
  if (access.kind === 'kubeconfig') {
    if (!kubeconfigs.exists(access.path))
      return [`${where}.kubeconfig.path: expected an existing file, ${access.path} does not exist`];
    if (access.context === null) return [];
    try {
      if (!kubeconfigs.hasContext(access.path, access.context)) {
        return [`${where}.kubeconfig.context: expected a context of ${access.path}, "${access.context}" is not one`];
      }
    } catch (error) {
      return [`${where}.kubeconfig.path: expected a kubeconfig file, ${access.path}: ${kubeconfigProblem(error)}`];
    }
    return [];
  }
  if (access.kind === 'token') {
    const problems: string[] = [];
    if (access.caFile && !existsSync(access.caFile)) {
      problems.push(`${where}.token.caFile: expected an existing file, ${access.caFile} does not exist`);
    }
    if (access.tokenEnv && !process.env[access.tokenEnv]) {
      problems.push(
        `${where}.token.tokenEnv: expected the environment variable ${access.tokenEnv} to hold a token, it is not set`,
      );
    }
    if (access.tokenFile && !existsSync(access.tokenFile)) {
      problems.push(`${where}.token.tokenFile: expected an existing file, ${access.tokenFile} does not exist`);
    }
    return problems;
  }
  return [];
}

/** The paths a fleet file's `rules.files` names, as written (non-text entries are left to the schema). */
export function rulesFilesNamedBy(document: unknown): string[] {
  const raw = typeof document === 'object' && document !== null ? (document as { rules?: unknown }).rules : undefined;
  const files = typeof raw === 'object' && raw !== null ? (raw as { files?: unknown }).files : undefined;
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string' && f !== '') : [];
}

/**
 * Loads the custom rules of `rules.files` (relative to the fleet file) before the rest is
 * validated, so `rules.disabled` and `rules.severity` may name their ids; a broken rules file is a
 * configuration error of this fleet file. A fleet file in S3 has its rules files read by the
 * caller (`options.rulesFiles`), since reading S3 is asynchronous and this parse is not.
 */
function useRulesFilesOf(document: unknown, file: string, options: FleetFileOptions): void {
  const paths = rulesFilesNamedBy(document);
  const where = `${file}: rules.files`;
  let files: { path: string; read: () => ConfigFile }[];
  if (options.rulesFiles) {
    const given = options.rulesFiles;
    files = paths.map((path, index) => ({
      path,
      read: () => {
        const read = given[index];
        if (!read) throw new ConfigError(`${where}: ${path} was not read`);
        return read;
      },
    }));
  } else if (paths.length > 0 && file.startsWith('s3://')) {
    throw new ConfigError(
      `${where}: a fleet file in S3 has its rules files read from S3 by the deployed functions only`,
    );
  } else {
    const base = dirname(resolve(file));
    files = paths.map((path) => resolve(base, path)).map((path) => ({ path, read: () => readConfigFile(where, path) }));
  }
  if (files.length > 0 && !options.customRules) {
    throw new TypeError(
      'parseFleetDocument: rules.files needs options.customRules (parseFleetFile gives rulesOfFiles)',
    );
  }
  useCustomRules(`${file} rules.files`, files.length > 0 && options.customRules ? options.customRules(files) : []);
}

/**
 * Reads custom rules files (rulesOfFiles of src/customRules/rulesFile.ts): given by the caller, so
 * this module does not load the CEL library; a deployed function loads it only for a fleet that
 * names rules files (lambda/configFiles.ts).
 */
export type CustomRulesReader = (files: readonly { path: string; read: () => ConfigFile }[]) => Rule[];

/** What checking a fleet file's kubeconfig access asks of the kubeconfig files (KubeconfigFiles). */
export interface KubeconfigChecks {
  exists(path: string): boolean;
  /** Throws the file's loading error. */
  hasContext(path: string, context: string): boolean;
}

export interface FleetFileOptions {
  /**
   * Check that the kubeconfig, CA and token files and variables exist (default true). Commands that
   * only read the fleet's names, labels and rules (evaluate, report) turn it off.
   */
  checkAccess?: boolean;
  /**
   * The kubeconfig files checked, each read once: required by parseFleetText when checking access;
   * parseFleetFile and the readers default to a fresh KubeconfigFiles.
   */
  kubeconfigs?: KubeconfigChecks;
  /**
   * The files `rules.files` names, in its order, already read by the caller (a fleet file in S3:
   * lambda/configFiles.ts); default: read from disk relative to the fleet file.
   */
  rulesFiles?: readonly ConfigFile[];
  /**
   * Reads the custom rules of `rules.files`: required when the fleet file names any; parseFleetFile
   * and the readers default to rulesOfFiles.
   */
  customRules?: CustomRulesReader;
}
