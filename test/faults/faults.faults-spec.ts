import { faultSuite } from './suite';
import { FULL } from './scenarios';

// npm run test:faults: the full scenarios (Redis down 30 s, PostgreSQL 10 s, 120 batches of 100) and 5 minutes of load.
faultSuite('full', FULL, 600_000, { durationSeconds: Number(process.env.LOAD_SECONDS ?? 300), connections: 8, batchSize: 20 });
