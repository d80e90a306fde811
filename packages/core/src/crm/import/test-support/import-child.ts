/**
 * A process that runs the customer imports queued in a SQLite file until it is killed:
 * the restart test starts it, kills it with SIGKILL in the middle of an import, and
 * finishes the import in its own process. Usage: node --import tsx import-child.ts <db file>
 */
import { SystemClock } from '../../../clock/system-clock.js';
import { JobRunner } from '../../../jobs/job-runner.js';
import { createStorage } from '../../../storage/storage.js';
import { CustomerImports } from '../customer-import.js';

const filename = process.argv[2];
if (!filename) throw new Error('usage: import-child.ts <sqlite file>');
const clock = new SystemClock();
const storage = await createStorage({ client: 'sqlite', filename }, { clock });
const jobs = new JobRunner({ storage, clock, pollMs: 0 });
new CustomerImports({ storage, clock, jobs });
await jobs.start();
process.stdout.write('ready\n');
await jobs.idle();
await jobs.close();
await storage.close();
