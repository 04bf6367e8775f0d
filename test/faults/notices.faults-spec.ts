import { noticeFaultSuite, NOTICES_FULL } from './notices';

// npm run test:faults: notices under provider faults, 40 notices per scenario, each fault lasting 10 s.
noticeFaultSuite('full', NOTICES_FULL, 600_000);
