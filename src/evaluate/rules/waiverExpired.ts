import { type FleetRule, failed, passed } from '../rule.js';
import { isWaiverExpired } from '../waiverMatching.js';

/** One check per waiver, counted in the fleet score only. */
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
  evaluate({ waivers, now }) {
    return waivers.map((waiver) => {
      const subject = `Waiver/${waiver.rule}/${waiver.resource ?? '*'}`;
      if (!isWaiverExpired(waiver, now)) return { ...passed(subject), cluster: null };
      return {
        ...failed(subject, {
          cluster: waiver.cluster,
          resource: subject,
          message: `the waiver of ${waiver.rule} for ${waiver.cluster}${waiver.resource ? ` ${waiver.resource}` : ''} owned by ${waiver.owner} expired on ${waiver.expires}: the findings it covered are open again`,
          evidence: { waiver },
        }),
        cluster: null,
      };
    });
  },
};
