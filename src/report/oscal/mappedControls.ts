/**
 * A rule's control mappings (src/evaluate/catalog.ts, `rule.controls`) as OSCAL control ids.
 *
 * OSCAL ids are NCName tokens, and there is no NIST-published OSCAL catalog of the CIS Kubernetes
 * Benchmark, the NSA/CISA Kubernetes Hardening Guide or the SOC 2 criteria to take ids from. So each
 * mapping gets a token of its own, prefixed with its framework so ids of different frameworks never
 * meet: `soc2-cc6.1`, `cis-kubernetes-5.3.2` (the recommendation number), and for the guide's
 * sections a slug of the section name (`nsa-cisa-network-separation-and-hardening-encryption`).
 * The catalog's own words go along with each id.
 */
import type { ControlMapping } from '../../evaluate/rule.js';

export type ControlFramework = 'cis-kubernetes' | 'nsa-cisa-kubernetes' | 'soc2';

/** The frameworks in the order the catalog names them, with how a reader knows them. */
export const CONTROL_FRAMEWORKS: readonly { framework: ControlFramework; title: string }[] = [
  { framework: 'cis-kubernetes', title: 'CIS Kubernetes Benchmark' },
  { framework: 'nsa-cisa-kubernetes', title: 'NSA/CISA Kubernetes Hardening Guide (v1.2)' },
  { framework: 'soc2', title: 'SOC 2 Trust Services Criteria (2017)' },
];

export interface MappedControl {
  framework: ControlFramework;
  /** An OSCAL token (NCName), e.g. `soc2-cc6.1`. */
  controlId: string;
  /** The mapping as the rule catalog words it. */
  text: string;
}

// What OSCAL's TokenDatatype allows (an XML NCName).
const TOKEN = /^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u;

export function isOscalToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Lower case, every run of other characters than letters, digits and dots one hyphen. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

function tokenFor(prefix: string, text: string): string {
  const token = `${prefix}-${slug(text)}`;
  if (!isOscalToken(token)) throw new Error(`programmer error: control id "${token}" is not an OSCAL token`);
  return token;
}

// The CIS recommendation number, e.g. 5.3.2 in "CIS Kubernetes Benchmark 5.3.2 (all Namespaces ...)".
const CIS_RECOMMENDATION = /\b(\d+(?:\.\d+)+)\b/;

/** The rule's mappings, in the catalog's order: CIS, NSA/CISA, then each SOC 2 criterion. */
export function mappedControls(controls: ControlMapping): MappedControl[] {
  const mapped: MappedControl[] = [];
  if (controls.cis) {
    const number = CIS_RECOMMENDATION.exec(controls.cis)?.[1] ?? controls.cis;
    mapped.push({ framework: 'cis-kubernetes', controlId: tokenFor('cis-kubernetes', number), text: controls.cis });
  }
  if (controls.nsa) {
    mapped.push({
      framework: 'nsa-cisa-kubernetes',
      controlId: tokenFor('nsa-cisa', controls.nsa),
      text: controls.nsa,
    });
  }
  for (const criterion of controls.soc2) {
    mapped.push({ framework: 'soc2', controlId: tokenFor('soc2', criterion), text: criterion });
  }
  return mapped;
}
