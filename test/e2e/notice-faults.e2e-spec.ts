import { noticeFaultSuite, NOTICES_SHORT } from '../faults/notices';

// The short version of the notice faults of `npm run test:faults`: 6 notices per scenario, each fault 2.5 s.
noticeFaultSuite('short', NOTICES_SHORT, 180_000);
