import 'reflect-metadata';
import { createDataSource } from '@cdtg/database';
import { QueueAdmin } from '@cdtg/queue';
import { configOrExit, fail, requireDatabase } from '../bootstrap';
import { DATA_MODEL } from '../data-model';

/** npm run queue -- failed | retry [<queue> <id>] */
async function main(): Promise<void> {
  const [command, queue, id] = process.argv.slice(2);
  const config = configOrExit();
  const url = await requireDatabase(config, 'the queue admin reads the outbox');
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  const admin = new QueueAdmin(config, dataSource);
  try {
    if (command === 'failed') {
      const jobs = await admin.failed();
      if (jobs.length === 0) process.stdout.write('no failed jobs\n');
      for (const j of jobs) process.stdout.write(`${j.queue}\t${j.id}\t${j.name}\tattempts=${j.attempts}\t${j.error}\n`);
    } else if (command === 'retry') {
      const n = await admin.retry(queue && id ? { queue, id } : undefined);
      process.stdout.write(`retried ${n} job(s)\n`);
    } else {
      fail('usage: npm run queue -- failed | retry [<queue> <id>]');
    }
  } finally {
    await admin.close();
    await dataSource.destroy();
  }
}

main().catch((error: Error) => fail(error.message));
