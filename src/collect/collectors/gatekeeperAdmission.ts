import type { GatekeeperAdmission } from '../../snapshot/schema.js';
import { at, int, metadataOf, records, str, strings } from '../fields.js';
import type { CollectorContext } from './collector.js';

const DEFAULT_NAMESPACE = 'gatekeeper-system';
const WEBHOOKS_PATH = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
const AUDIT_FLAG = '--audit-from-cache';

/**
 * How Gatekeeper admits and audits: its validating webhooks (every webhook named *.gatekeeper.sh,
 * whatever the configuration is called by the chart), the gatekeeper-audit Deployment's
 * --audit-from-cache flag and the sync list of the `config` Config, in Gatekeeper's namespace (the
 * webhook Service's). These sources serve GATEKEEPER-ADMISSION-RISK only: a failure is recorded
 * (the rule then says what it lacked) but does not make the Gatekeeper read partial.
 */
export async function gatekeeperAdmission({ reader, source }: CollectorContext): Promise<GatekeeperAdmission> {
  const configurations = await source(
    { source: 'ValidatingWebhookConfigurations', request: `GET ${WEBHOOKS_PATH}`, bestEffort: true },
    () => reader.listAll(WEBHOOKS_PATH),
  );
  const gatekeeperHooks = (configurations ?? []).flatMap((configuration) =>
    records(configuration['webhooks'])
      .filter((hook) => str(hook['name'])?.endsWith('.gatekeeper.sh'))
      .map((hook) => ({ configuration: metadataOf(configuration).name, hook })),
  );
  const namespace =
    gatekeeperHooks.map(({ hook }) => str(at(hook, 'clientConfig', 'service', 'namespace'))).find((ns) => ns) ??
    DEFAULT_NAMESPACE;

  const auditPath = `/apis/apps/v1/namespaces/${namespace}/deployments/gatekeeper-audit`;
  const audit = await source(
    { source: `Deployment ${namespace}/gatekeeper-audit`, request: `GET ${auditPath}`, bestEffort: true },
    () => reader.getJson(auditPath),
  );
  const configPath = `/apis/config.gatekeeper.sh/v1alpha1/namespaces/${namespace}/configs/config`;
  const config = await source(
    { source: `Gatekeeper Config ${namespace}/config`, request: `GET ${configPath}`, bestEffort: true },
    () => reader.getJson(configPath),
  );
  return {
    namespace,
    webhooks:
      configurations === null
        ? null
        : gatekeeperHooks.map(({ configuration, hook }) => ({
            configuration,
            name: str(hook['name']) ?? '',
            timeoutSeconds: int(hook['timeoutSeconds']),
            failurePolicy: str(hook['failurePolicy']),
          })),
    auditFromCache: audit === null ? null : auditFromCache(audit),
    syncOnly:
      config === null
        ? null
        : records(at(config, 'spec', 'sync', 'syncOnly')).map((entry) => {
            const group = str(entry['group']) ?? '';
            return `${group ? `${group}/` : ''}${str(entry['version']) ?? ''} ${str(entry['kind']) ?? ''}`;
          }),
  };
}

/** `--audit-from-cache` or `--audit-from-cache=true` in any container of the Deployment (Go flags: a bare bool is true). */
function auditFromCache(deployment: unknown): boolean {
  const args = records(at(deployment, 'spec', 'template', 'spec', 'containers')).flatMap((container) => [
    ...strings(container['command']),
    ...strings(container['args']),
  ]);
  const values = args.flatMap((arg) => {
    if (arg === AUDIT_FLAG) return ['true'];
    return arg.startsWith(`${AUDIT_FLAG}=`) ? [arg.slice(AUDIT_FLAG.length + 1).toLowerCase()] : [];
  });
  // Go's flag package keeps the last value given.
  const last = values.at(-1);
  return last === 'true' || last === '1' || last === 't';
}
