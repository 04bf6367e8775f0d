import { faultSuite } from '../faults/suite';
import { SHORT } from '../faults/scenarios';

// The short version of `npm run test:faults`: the same six scenarios, fewer batches, Redis down 3 s, PostgreSQL 2 s,
// and 10 s of load.
faultSuite('short', SHORT, 90_000, { durationSeconds: 10, connections: 4, batchSize: 20 });
