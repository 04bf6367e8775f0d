import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { addDays, Clock, vietnamDate } from '@cdtg/time';
import { Language, NotificationService } from '@cdtg/notifications';
import { CoverageLevel, ExportFormat } from './coverage-query';
import { BehindPlanService } from './behind-plan.service';
import { CoverageService } from './coverage.service';
import { Period, weekStart } from './periods';
import { coverageFile } from './report-file';
import { RollupRepository } from './rollup.repository';
import { RollupCheckRepository } from './rollup-check.repository';

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The department's Monday e-mail: for each active department account and each of its units, the headline figures of
 * the ISO week just ended (households reached, to date, coverage and its change, sessions, volunteers), the five
 * communes with the lowest coverage, what the nightly checks found (do the figures equal a recount from the records?),
 * and the week's table by commune as XLSX. Queued once per account, unit and week
 * (dedupe key), so a job run twice sends nothing more.
 */
@Injectable()
export class WeeklyDigestService {
  private readonly logger = new Logger(WeeklyDigestService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RollupRepository,
    private readonly coverage: CoverageService,
    private readonly notifications: NotificationService,
    private readonly checks: RollupCheckRepository,
    private readonly behindPlan: BehindPlanService,
    private readonly clock: Clock,
  ) {}

  async send(asOf = this.clock.now()): Promise<number> {
    const thisWeek = weekStart(vietnamDate(asOf));
    const start = addDays(thisWeek, -7);
    const end = addDays(thisWeek, -1);
    let queued = 0;
    let notices = 0;
    // The nightly checks up to now: whether the figures below equal a recount from the records.
    const checks = await this.checks.digest(asOf);
    const check = checks && {
      day: vietnamDate(checks.latest.finishedAt),
      consistent: checks.latest.consistent,
      repaired: checks.latest.repaired,
      differences: checks.latest.differences,
      checks: checks.runs,
      withDifferences: checks.withDifferences,
      repairs: checks.repairs,
    };
    for (const r of await this.repository.digestRecipients(end)) {
      const scope: DataScope = { all: false, unitPaths: [r.unitPath], groupIds: [] };
      const language = r.language === Language.en ? Language.en : Language.vi;
      const query = { unitCode: r.unitCode, geographyAsOf: end, basis: undefined };
      const [whole, weeks, communes, behind] = await Promise.all([
        this.coverage.trend(scope, { ...query, period: Period.Week, from: addDays(start, -7), to: end }),
        this.coverage.coverage(scope, { ...query, level: CoverageLevel.Commune, period: Period.Week, from: start, to: end }),
        this.coverage.lowest(scope, { ...query, level: CoverageLevel.Commune, to: end }, 5),
        this.behindPlan.find(scope, r.unitCode, end),
      ]);
      // The units behind plan: in the digest, and a notice to their ward officers (once per unit, period and measure).
      notices += await this.behindPlan.notify(behind);
      const [before, week] = whole.rows;
      const change = week.coveragePercent !== null && before.coveragePercent !== null ? round1(week.coveragePercent - before.coveragePercent) : null;
      const file = await coverageFile(weeks, ExportFormat.Xlsx, language);
      const id = await this.dataSource.transaction((manager) =>
        this.notifications.queueEmail(manager, {
          to: r.email,
          language,
          template: 'weekly-digest',
          dedupeKey: `weekly-digest:${r.userId}:${r.unitId}:${start}`,
          params: {
            displayName: r.displayName,
            unitName: whole.unit.name,
            weekStart: start,
            weekEnd: end,
            householdsReachedThisWeek: week.householdsReached,
            householdsReachedToDate: week.householdsReachedToDate,
            households: week.households,
            coveragePercent: week.coveragePercent,
            changePoints: change,
            sessionsHeld: week.sessionsHeld,
            activeVolunteers: week.activeVolunteers,
            lowest: communes.rows.map((c) => ({ name: c.unit.name, coveragePercent: c.coveragePercent, householdsReachedToDate: c.householdsReachedToDate })),
            check,
            behind: behind.map(({ unitId: _u, measureKey: _m, period: _p, ...item }) => item),
            attachment: { filename: file.filename, base64: file.content.toString('base64') },
          },
        }),
      );
      if (id) queued++;
    }
    this.logger.log(`Weekly digest of ${start}–${end}: ${queued} e-mail(s) queued, ${notices} behind-plan notice(s)`);
    return queued;
  }
}
