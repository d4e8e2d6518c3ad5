/** The files every report stores (in its ledger folder and in --out), in name order. */
export const STORED_REPORT_FILES = [
  'assessment-results.json',
  'email.html',
  'email.txt',
  'findings.csv',
  'openreports.yaml',
  'policyreport.yaml',
  'report.html',
  'report.json',
];
