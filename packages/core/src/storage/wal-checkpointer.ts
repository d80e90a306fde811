import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';

/** `Atomics.waitAsync` (Node 16 and later; TypeScript's lib has it from ES2024 on). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** Slots of the memory the two threads share (an Int32Array). */
const REQUESTED = 0;
const DONE = 1;
const BUSY = 2;
const LOG = 3;
const CHECKPOINTED = 4;
const STATE = 5;
const STARTING = 0;
const OPEN = 1;
const FAILED = 2;
const CLOSING = 3;

/**
 * The worker: a connection of its own to the same database file that runs a PASSIVE
 * checkpoint each time the count of requests moves, and writes what it found into the
 * shared memory. Plain CommonJS evaluated in a bare worker thread (no loader, no bundler
 * step, a few MB), which finds better-sqlite3 where this module does. It blocks on the shared
 * memory between requests: it is a thread of its own, with nothing else to do.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.shared);
const [REQUESTED, DONE, BUSY, LOG, CHECKPOINTED, STATE, OPEN, FAILED, CLOSING] = [${REQUESTED}, ${DONE}, ${BUSY}, ${LOG}, ${CHECKPOINTED}, ${STATE}, ${OPEN}, ${FAILED}, ${CLOSING}];
const fail = (error) => {
  parentPort.postMessage({ error: String((error && error.message) || error) });
  Atomics.store(shared, STATE, FAILED);
  Atomics.notify(shared, STATE);
  Atomics.store(shared, DONE, Atomics.load(shared, REQUESTED));
  Atomics.notify(shared, DONE);
};
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.filename, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  Atomics.store(shared, STATE, OPEN);
  Atomics.notify(shared, STATE);
} catch (error) {
  fail(error);
}
let done = 0;
while (db !== undefined) {
  Atomics.wait(shared, REQUESTED, done);
  if (Atomics.load(shared, STATE) === CLOSING) break;
  const requested = Atomics.load(shared, REQUESTED);
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    Atomics.store(shared, BUSY, result.busy);
    Atomics.store(shared, LOG, result.log);
    Atomics.store(shared, CHECKPOINTED, result.checkpointed);
  } catch (error) {
    fail(error);
    break;
  }
  done = requested;
  Atomics.store(shared, DONE, done);
  Atomics.notify(shared, DONE);
}
if (db !== undefined) db.close();
`;

/**
 * Checkpoints a SQLite database's write-ahead log on a thread of its own while a bulk path
 * (an import) writes on the main connection (decision 53). A checkpoint copies the pages the
 * log holds back into the database file and syncs it to disk: run by the committing
 * connection, as SQLite's automatic checkpoint is, it stops the writer for ~200 ms every
 * 25,000 pages — 18 times, 3.5 s, in a 1M-row import. A PASSIVE checkpoint from a second
 * connection runs beside the writer instead.
 *
 * The log only starts over from its beginning when a write begins with every frame already
 * copied, which a checkpointer running beside a busy writer rarely sees. So once the log
 * holds `maxFrames` frames, `committed()` waits until the thread has caught up with the last
 * commit: the next write then restarts the log, which stays within `maxFrames` frames and one
 * commit on disk. How many frames the log holds is read from the wal-index header in the
 * `-shm` file (`mxFrame`, bytes 16–19, in the machine's byte order: sqlite.org/walformat.html).
 *
 * The threads talk through shared memory, read without waiting: a writer whose awaits all
 * settle as microtasks (better-sqlite3 is synchronous) would never see a message.
 *
 * When the thread cannot open the database or fails, the checkpointer stops and says so
 * (`failed`, `onFailure`); the caller then lets SQLite checkpoint on the main connection again.
 */
export class WalCheckpointer {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /** Frames in the log at the last look (0 once everything was copied: the next write starts the log over). */
  private frames = 0;
  private failure: string | undefined;
  private closed = false;
  /** The wal-index file, opened at the first commit (-1: it cannot be read; the thread's reports are used instead). */
  private walIndex: number | undefined;
  private readonly header = Buffer.alloc(4);

  constructor(
    private readonly filename: string,
    private readonly maxFrames: number,
    private readonly onFailure: (reason: string) => void = () => {},
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 2 }, workerData: { shared: this.shared.buffer, filename, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    // A checkpointer never keeps the process alive: what it leaves is copied by the next checkpoint (or at close).
    this.worker.unref();
    this.worker.on('message', (message: { error: string }) => this.fail(message.error));
    this.worker.on('error', (error) => this.fail(error.message));
    this.exited = new Promise<void>((resolve) => {
      this.worker.once('exit', () => {
        if (!this.closed) this.fail('the checkpoint thread exited');
        resolve();
      });
    });
  }

  /** Why the checkpointer stopped, if it did. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** After each commit of the bulk path: a checkpoint starts unless one runs; past `maxFrames`, waits until the log is copied in full. */
  async committed(): Promise<void> {
    // Until the thread has the database open, how long the log is goes unseen: the first commit waits for it (an import's first batch takes longer than that).
    await this.until(STATE, STARTING);
    if (!this.usable()) return;
    // The wal-index header says exactly; without it, the thread's last report (while it is idle).
    const inLog = this.framesInLog();
    if (inLog !== undefined) this.frames = inLog;
    else if (this.idle()) this.look();
    if (this.frames >= this.maxFrames) await this.catchUp();
    else if (this.idle()) this.request();
  }

  /** Resolves once every committed frame is in the database file (or the checkpointer stopped). */
  async catchUp(): Promise<void> {
    await this.until(STATE, STARTING);
    // A checkpoint under way may have started before the last commit: one more after it. A busy answer (another checkpointer) is tried again, a few times.
    for (let attempt = 0; attempt < 4 && this.usable(); attempt++) {
      await this.untilIdle();
      this.request();
      await this.untilIdle();
      if (!this.usable()) return;
      this.look();
      if (this.frames === 0) return;
    }
  }

  /** Finishes the checkpoint under way, then ends the thread and its connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.walIndex !== undefined && this.walIndex >= 0) closeSync(this.walIndex);
    await this.untilIdle();
    if (Atomics.load(this.shared, STATE) !== FAILED) {
      Atomics.store(this.shared, STATE, CLOSING);
      Atomics.add(this.shared, REQUESTED, 1);
      Atomics.notify(this.shared, REQUESTED);
    }
    await this.exited;
  }

  private usable(): boolean {
    return this.failure === undefined && !this.closed && Atomics.load(this.shared, STATE) === OPEN;
  }

  private idle(): boolean {
    return Atomics.load(this.shared, DONE) === Atomics.load(this.shared, REQUESTED);
  }

  /** Reads the last checkpoint's result (only while idle: the thread writes it before it says done). */
  private look(): void {
    const log = Atomics.load(this.shared, LOG);
    const copied = Atomics.load(this.shared, BUSY) === 0 && Atomics.load(this.shared, CHECKPOINTED) >= log;
    this.frames = copied ? 0 : log;
  }

  /** Frames the log holds now (the wal-index header's mxFrame); undefined when the file cannot be read. */
  private framesInLog(): number | undefined {
    try {
      this.walIndex ??= openSync(`${this.filename}-shm`, 'r');
      if (this.walIndex < 0 || readSync(this.walIndex, this.header, 0, 4, 16) !== 4) return undefined;
      return endianness() === 'LE' ? this.header.readUInt32LE(0) : this.header.readUInt32BE(0);
    } catch {
      this.walIndex = -1;
      return undefined;
    }
  }

  private request(): void {
    Atomics.add(this.shared, REQUESTED, 1);
    Atomics.notify(this.shared, REQUESTED);
  }

  private async untilIdle(): Promise<void> {
    while (!this.idle()) await this.until(DONE, Atomics.load(this.shared, DONE));
  }

  /** Waits (without blocking the event loop) while the slot holds `value`. */
  private async until(slot: number, value: number): Promise<void> {
    const wait = waitAsync(this.shared, slot, value);
    if (wait.async) await wait.value;
  }

  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    this.failure = reason;
    // Whoever waits on the thread stops waiting.
    Atomics.store(this.shared, STATE, FAILED);
    Atomics.notify(this.shared, STATE);
    Atomics.store(this.shared, DONE, Atomics.load(this.shared, REQUESTED));
    Atomics.notify(this.shared, DONE);
    void this.worker.terminate();
    this.onFailure(reason);
  }
}
