// Tests run the CLI as people do (bin/fleetledger.js runs the build in dist/): build it once, before
// any test file starts, when src/ changed since (test files running the CLI at the same time would
// otherwise each rebuild it).
export { ensureBuilt as default } from '../../bin/ensureBuilt.js';
