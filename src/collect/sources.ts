/**
 * Per-source collection. A section is read from one or more sources (a list, an object, a
 * discovery document); a source that cannot be read must not throw away what the others gave.
 * Collectors read each source through `SourceRecorder.read`, which records its outcome (with the
 * request and the first line of the error) and hands back what was read, or null; the section's
 * state is then derived from the outcomes (`sectionStatusOf`): ok, absent, partial, or the failure
 * of the sources when none could be read.
 *
 * An unreachable source still throws: the cluster stopped answering, and the section is recorded
 * `unreachable` as a whole (as every later request will be).
 */
import { errorMessage } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import type { SectionStatus, SourceStatus } from '../snapshot/schema.js';
import { isFailedState } from '../snapshot/sectionStatus.js';
import { KubeReadError } from './kube.js';

export interface SourceSpec {
  /** What is read, for a human: "Secret istio-system/cacerts", "ConfigMaps istio-ca-root-cert". */
  readonly source: string;
  /** The request that reads it: "GET /api/v1/namespaces/istio-system/secrets/cacerts". */
  readonly request: string;
  /** A Secret (or a list of them): not read at all when Secret reads are off. */
  readonly secret?: boolean;
  /**
   * Without it nothing else of the section means anything (the NetworkPolicy list of the network
   * postures): its failure fails the section, as a whole, after it was recorded.
   */
  readonly required?: boolean;
  /**
   * A last resort the example reader role does not grant (control plane static pods in
   * kube-system), or a source only one rule needs and judges by its recorded state (the Argo CD
   * settings ConfigMaps, the Gatekeeper webhooks): its failure is recorded but does not make the
   * section partial.
   */
  readonly bestEffort?: boolean;
}

/** Why a Secret source was not read, naming both ways to turn Secret reads off. */
export const SECRET_READS_OFF_MESSAGE =
  'not read: Secret reads are off (fleet file defaults.readSecrets: false, or --no-read-secrets)';

/** Records the sources of one section, in the order they were read. */
export class SourceRecorder {
  readonly sources: SourceStatus[] = [];
  /** Failed best-effort sources: recorded, not counted against the section. */
  private readonly tolerated = new Set<SourceStatus>();

  constructor(private readonly readSecrets: boolean) {}

  /**
   * Reads one source. `read` resolves to what it found, or null when there is nothing there (the
   * API is not served, the object does not exist): the source is then `absent`. A 404 is absent as
   * well; 403 and other failures are recorded and give null; unreachable is rethrown.
   */
  read = async <T>(spec: SourceSpec, read: () => Promise<T | null>): Promise<T | null> => {
    const { source, request } = spec;
    if (spec.secret && !this.readSecrets) {
      this.sources.push({ source, request, state: 'skipped', message: SECRET_READS_OFF_MESSAGE });
      return null;
    }
    try {
      const value = await read();
      this.sources.push({ source, request, state: value === null ? 'absent' : 'ok' });
      return value;
    } catch (error) {
      if (!(error instanceof KubeReadError)) throw error;
      if (error.state === 'unreachable') {
        this.sources.push({ source, request, state: 'unreachable', message: firstLine(error.message) });
        throw error;
      }
      if (error.httpStatus === 404) {
        this.sources.push({ source, request, state: 'absent' });
        return null;
      }
      const failed: SourceStatus = { source, request, state: error.state, message: firstLine(errorMessage(error)) };
      this.sources.push(failed);
      if (spec.required) throw error;
      if (spec.bestEffort) this.tolerated.add(failed);
      return null;
    }
  };

  /** The section's status once its collector finished (see sectionStatusOf). */
  status(result: 'ok' | 'absent'): SectionStatus {
    return sectionStatusOf(result, this.sources, this.tolerated);
  }

  /** The section's status when a read outside the sources, or a required source, failed. */
  failure(error: unknown): SectionStatus {
    const sources = this.sources.length > 0 ? { sources: [...this.sources] } : {};
    return error instanceof KubeReadError
      ? { state: error.state, message: error.message, ...sources }
      : { state: 'error', message: `collector failed: ${errorMessage(error)}`, ...sources };
  }
}

/**
 * A section's status from what its collector said (`absent`: the API is not installed) and its
 * sources: any source not read (failed or skipped) makes it `partial` when another one was read;
 * when none was, it takes the state and message of the first failure (or `skipped`).
 */
export function sectionStatusOf(
  result: 'ok' | 'absent',
  sources: readonly SourceStatus[],
  tolerated: ReadonlySet<SourceStatus> = new Set(),
): SectionStatus {
  const withSources = sources.length > 0 ? { sources: [...sources] } : {};
  const unread = sources.filter((s) => s.state !== 'ok' && s.state !== 'absent' && !tolerated.has(s));
  if (unread.length === 0) return { state: result, ...withSources };
  const failed = unread.find((s) => isFailedState(s.state));
  if (unread.length === sources.length - tolerated.size) {
    const first = failed ?? unread[0]!;
    return {
      state: failed ? (first.state as 'forbidden' | 'error' | 'unreachable') : 'skipped',
      ...(first.message ? { message: first.message } : {}),
      ...withSources,
    };
  }
  return {
    state: 'partial',
    message: `not read: ${unread.map((s) => `${s.source} (${s.state})`).join(', ')}`,
    ...withSources,
  };
}
