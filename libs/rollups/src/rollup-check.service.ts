import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@cdtg/config';
import { RebuildReport, RebuildService } from './rebuild.service';
import { RollupCheckOrigin } from './rollup-check.entity';
import { RollupCheckRepository } from './rollup-check.repository';

/**
 * What the nightly job does with the rollup check. The check never blocks projections and never repairs: a difference
 * is reported (an error line with counts and sample keys, the stored result behind health and the weekly digest).
 * When the check before it found differences too (the previous stored run was a check, not a repair, and it was not
 * consistent), the rollups have been wrong for a day with nobody repairing them: the job then repairs on purpose —
 * a logged rebuild under the rollup lock, stored as its own result — unless ROLLUP_AUTO_REPAIR=false. One difference
 * alone is left for an operator to look at (its rows are still there to see) for a day.
 */
@Injectable()
export class RollupCheckService {
  private readonly logger = new Logger(RollupCheckService.name);

  constructor(
    private readonly rebuild: RebuildService,
    private readonly checks: RollupCheckRepository,
    private readonly config: AppConfig,
  ) {}

  /** The nightly job: a check, and a deliberate repair when differences persist across two consecutive checks. */
  async nightly(): Promise<{ check: RebuildReport; repair: RebuildReport | null }> {
    const [previous] = await this.checks.latest(1);
    const check = await this.rebuild.run('verify', { origin: 'schedule' });
    if (check.consistent) return { check, repair: null };
    const persistent = previous && previous.mode === 'verify' && !previous.consistent;
    if (!persistent) {
      this.logger.warn(
        `Rollup check #${check.id} found differences; reported, not repaired (the next check repairs if they persist, or run \`npm run rollups -- repair\`)`,
      );
      return { check, repair: null };
    }
    if (!this.config.rollupAutoRepair) {
      this.logger.error(`Rollup differences persist (checks #${previous.id} and #${check.id}); ROLLUP_AUTO_REPAIR=false: run \`npm run rollups -- repair\``);
      return { check, repair: null };
    }
    this.logger.warn(
      `Rollup differences persist across two consecutive checks (#${previous.id} at ${previous.finishedAt.toISOString()}: ${previous.differences}, #${check.id}: ${check.differences}): ` +
        `repairing now from raw records, on purpose (not a retry); projections wait for the rebuild`,
    );
    const repair = await this.rebuild.run('repair', { origin: 'auto-repair' });
    return { check, repair };
  }

  /** An explicit repair (an operator's job or command): the rebuild under the rollup lock, now. */
  repair(origin: RollupCheckOrigin = 'job'): Promise<RebuildReport> {
    return this.rebuild.run('repair', { origin });
  }
}
