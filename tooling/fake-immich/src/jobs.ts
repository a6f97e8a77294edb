import type { FakeState, QueueName } from "./state.js";

export interface JobRunnerOptions {
  /** How long a job waits before it starts. @default 5 */
  readonly startDelayMs?: number;
  /** How long a job stays active. @default 20 */
  readonly runMs?: number;
}

/** Runs queued jobs asynchronously so clients see waiting → active → completed, like BullMQ queues. */
export class JobRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private paused = false;
  private readonly held: { queue: QueueName; run: () => void }[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly state: FakeState,
    private readonly options: JobRunnerOptions = {},
  ) {}

  enqueue(queue: QueueName, run: () => void): void {
    this.state.queues[queue].waiting++;
    if (this.paused) this.held.push({ queue, run });
    else this.schedule(queue, run);
  }

  /** Hold jobs in `waiting` until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const job of this.held.splice(0)) this.schedule(job.queue, job.run);
  }

  get busy(): boolean {
    return this.timers.size > 0 || this.held.length > 0;
  }

  /** Resolves once every queued job has finished (paused jobs excluded). */
  idle(): Promise<void> {
    if (this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.notifyIdle();
  }

  private schedule(queue: QueueName, run: () => void): void {
    const counts = this.state.queues[queue];
    const start = setTimeout(() => {
      this.timers.delete(start);
      counts.waiting--;
      counts.active++;
      let failed = false;
      try {
        run();
      } catch {
        failed = true;
      }
      const finish = setTimeout(() => {
        this.timers.delete(finish);
        counts.active--;
        if (failed) counts.failed++;
        else counts.completed++;
        this.notifyIdle();
      }, this.options.runMs ?? 20);
      this.timers.add(finish);
    }, this.options.startDelayMs ?? 5);
    this.timers.add(start);
  }

  private notifyIdle(): void {
    if (this.timers.size > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
