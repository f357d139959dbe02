import type { DatabaseHandle } from "@/lib/db/client";
import { vacuumEmbeddedIfDue } from "@/lib/db/embedded-vacuum";
import { claimExecutions, releaseExecution, releaseOrphanedLeases } from "@/lib/db/queries/executions";
import type { Execution } from "@/lib/db/schema";
import { createLogger, type Logger } from "@/lib/log";
import { fireDueSchedules } from "@/lib/triggers/schedules";
import type { Engine, ExecutionOutcome } from "../engine";
import { pruneExecutionsIfDue } from "../retention";

export interface LocalDriverOptions {
  /** How many executions run at once in this process. */
  concurrency?: number;
  pollIntervalMs?: number;
  logger?: Logger;
  /** Called when an execution this driver ran stops (finished or paused). */
  onOutcome?: (outcome: ExecutionOutcome) => void;
  /** Fire due schedule triggers on every poll (lib/triggers/schedules.ts); default true. */
  schedules?: boolean;
  /**
   * How long after `start()` the first poll runs; default 0. The server waits one poll interval: the request that
   * started it (a webhook waking the server) then reaches the database before the first claim, which is the slowest
   * statement of a cold database (docs/decisions/server-start-up.md).
   */
  firstPollDelayMs?: number;
}

/**
 * The local driver: an in-process worker that claims runnable executions from Postgres with a lease (queued ones, running
 * ones whose lease expired — their worker died — and waiting ones whose timer is due), runs a bounded number at once, and
 * resumes each from its last checkpoint. On the embedded database no other process can hold a lease (the data directory
 * is locked to one process), so at start every `running` execution is an orphan of a dead process and is resumed at once.
 */
export class LocalDriver {
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly database: DatabaseHandle,
    private readonly options: LocalDriverOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.logger = options.logger ?? createLogger({ component: "local-driver", workerId: engine.workerId });
  }

  get active(): number {
    return this.inFlight.size;
  }

  /** Recovers orphans (embedded database), then polls until `stop()` (the first poll after `firstPollDelayMs`). */
  async start(): Promise<void> {
    await this.recoverOrphans();
    this.stopping = false;
    const tick = async () => {
      if (this.stopping) return;
      this.polling = this.pollOnce().then(
        () => undefined,
        (error: unknown) => this.logger.error("poll failed", { error: error instanceof Error ? error.message : String(error) }),
      );
      await this.polling;
      if (!this.stopping) this.timer = setTimeout(tick, this.pollIntervalMs);
    };
    const delay = this.options.firstPollDelayMs ?? 0;
    if (delay > 0) this.timer = setTimeout(tick, delay);
    else await tick();
  }

  /** Claims and runs until nothing is runnable and nothing is in flight (tests, `worker --until-idle`). */
  async runUntilIdle(): Promise<void> {
    await this.recoverOrphans();
    for (;;) {
      const claimed = await this.pollOnce();
      if (claimed === 0 && this.inFlight.size === 0) return;
      if (this.inFlight.size > 0) await Promise.race(this.inFlight.values());
    }
  }

  /** Stops claiming; with `drain`, waits for what runs to finish (up to `timeoutMs`), then releases what is left. */
  async stop(options: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    if (options.drain !== false && this.inFlight.size > 0) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.timeoutMs ?? 30_000).unref());
      await Promise.race([Promise.all(this.inFlight.values()), timeout]);
    }
  }

  private async recoverOrphans(): Promise<void> {
    if (this.database.driver !== "pglite") return;
    const released = await releaseOrphanedLeases(this.database.db, { exceptWorkerId: this.engine.workerId });
    if (released > 0) this.logger.info("resuming executions left running by a process that died", { count: released });
  }

  private async pollOnce(): Promise<number> {
    if (this.options.schedules !== false) {
      await fireDueSchedules({ engine: this.engine, database: this.database }).catch((error: unknown) =>
        this.logger.error("firing schedules failed", { error: error instanceof Error ? error.message : String(error) }),
      );
    }
    // HETUMIND_EXECUTIONS_MAX_AGE_DAYS: at most one bounded pass a minute; never throws (lib/engine/retention.ts).
    await pruneExecutionsIfDue(this.database, { logger: this.logger });
    // PGlite has no autovacuum: one churning table per poll, each at most every 30 s; never throws (lib/db/embedded-vacuum.ts).
    await vacuumEmbeddedIfDue(this.database, { logger: this.logger });
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const claimed = await claimExecutions(this.database.db, {
      workerId: this.engine.workerId,
      leaseMs: this.engine.leaseMs,
      limit: free,
      includeDueWaits: true,
    });
    for (const execution of claimed) this.launch(execution);
    return claimed.length;
  }

  private launch(execution: Execution): void {
    const run = this.engine
      .run(execution)
      .then((outcome) => {
        this.logger.info("execution stopped", { executionId: execution.id, workspaceId: execution.workspaceId, status: outcome.status });
        this.options.onOutcome?.(outcome);
      })
      .catch(async (error: unknown) => {
        this.logger.error("execution crashed in the driver", { executionId: execution.id, error: error instanceof Error ? error.message : String(error) });
        await releaseExecution(this.database.db, { workspaceId: execution.workspaceId, executionId: execution.id, workerId: this.engine.workerId }).catch(() => {});
      })
      .finally(() => this.inFlight.delete(execution.id));
    this.inFlight.set(execution.id, run);
  }
}
