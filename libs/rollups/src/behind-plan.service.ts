import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { BehindPlanItem, Language, NotificationService } from '@cdtg/notifications';
import { CoverageLevel } from './coverage-query';
import { CoverageService } from './coverage.service';
import { Period } from './periods';
import { RollupRepository } from './rollup.repository';
import { TARGET_GRAINS, targetMeasure } from './targets';

/** A unit behind plan on one measure of one period. */
export interface BehindPlan extends BehindPlanItem {
  unitId: string;
  measureKey: string;
  period: Period;
}

/**
 * Units behind plan (chậm tiến độ, targets.ts) and the notice to their ward officers: a unit and the communes under
 * it, for the month, quarter and year holding a day, each measure whose actual is below its
 * pro-rated target. The notice is queued once per officer, unit, period and measure (dedupe key), so asking again
 * (a digest run twice, the next week in the same period) sends nothing more.
 */
@Injectable()
export class BehindPlanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly coverage: CoverageService,
    private readonly repository: RollupRepository,
    private readonly notifications: NotificationService,
  ) {}

  /** The unit `unitCode` itself and the communes under it (in the tree of `day`) behind plan on `day`, within `scope`. */
  async find(scope: DataScope, unitCode: string, day: string): Promise<BehindPlan[]> {
    const out = new Map<string, BehindPlan>();
    for (const period of Object.keys(TARGET_GRAINS) as Period[]) {
      const question = { unitCode, period, from: day, to: day, geographyAsOf: day };
      const [communes, own] = await Promise.all([
        this.coverage.coverage(scope, { ...question, level: CoverageLevel.Commune }),
        this.coverage.trend(scope, question),
      ]);
      for (const row of [...own.rows, ...communes.rows])
        for (const p of row.targets) {
          if (!p.behindPlan) continue;
          const measure = targetMeasure(p.measure)!;
          out.set(`${row.unit.id}:${p.measure}:${period}`, {
            unitId: row.unit.id,
            unitName: row.unit.name,
            measureKey: p.measure,
            measure: measure.header,
            percent: measure.kind === 'percent',
            period,
            periodStart: row.periodStart,
            periodEnd: row.periodEnd,
            target: p.target,
            expected: p.expected,
            actual: p.actual,
          });
        }
    }
    return [...out.values()];
  }

  /** Queues the notice of each unit behind plan to its ward officers (once per officer, unit, period and measure); returns how many were queued. */
  async notify(behind: BehindPlan[]): Promise<number> {
    const officers = await this.repository.officersOf([...new Set(behind.map((b) => b.unitId))]);
    let queued = 0;
    for (const b of behind) {
      for (const o of officers.filter((x) => x.unitId === b.unitId)) {
        const { unitId, measureKey, period, ...item } = b;
        const id = await this.dataSource.transaction((manager) =>
          this.notifications.queueEmail(manager, {
            to: o.email,
            language: o.language === Language.en ? Language.en : Language.vi,
            template: 'behind-plan',
            dedupeKey: `behind-plan:${o.userId}:${unitId}:${measureKey}:${period}:${b.periodStart}`,
            params: { displayName: o.displayName, item },
          }),
        );
        if (id) queued++;
      }
    }
    return queued;
  }
}
