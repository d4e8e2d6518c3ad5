import picomatch from 'picomatch';
import { type FleetRule, failed, passed } from '../rule.js';
import { isWaiverExpired } from '../waiverMatching.js';

/**
 * One check per waiver, counted in the fleet score only. Its finding is fleet-level: a waiver is
 * configuration, so the finding names the fleet's clusters its glob matches (possibly none) and
 * keeps the glob itself in its message and evidence.
 */
export const waiverExpired: FleetRule = {
  id: 'WAIVER-EXPIRED',
  title: 'Waiver past its expiry date',
  scope: 'fleet',
  area: null,
  defaultSeverity: 'medium',
  sections: [],
  rationale:
    'A risk acceptance is time-boxed: once it expires the findings it covered are open again and the acceptance must be reviewed.',
  remediation: 'Fix the findings and delete the waiver, or have its owner renew it with a new date and reason.',
  controls: { cis: null, nsa: null, soc2: ['CC3.2', 'CC4.1'] },
  evaluate({ waivers, now, clusters }) {
    return waivers.map((waiver) => {
      const subject = `Waiver/${waiver.rule}/${waiver.resource ?? '*'}`;
      if (!isWaiverExpired(waiver, now)) return { ...passed(subject), cluster: null };
      const matches = picomatch(waiver.cluster, { dot: true });
      return {
        ...failed(subject, {
          clusters: clusters.map((cluster) => cluster.name).filter((name) => matches(name)),
          // The glob identifies the waiver (as before this was a fleet-level finding): ids stay stable.
          fleetKey: waiver.cluster,
          resource: subject,
          message: `the waiver of ${waiver.rule} for ${waiver.cluster}${waiver.resource ? ` ${waiver.resource}` : ''} owned by ${waiver.owner} expired on ${waiver.expires}: the findings it covered are open again`,
          evidence: { waiver },
        }),
        cluster: null,
      };
    });
  },
};
