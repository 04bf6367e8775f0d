import { Injectable } from '@nestjs/common';
import { DomainError } from '@cdtg/errors';
import { Clock, requireIsoDate } from '@cdtg/time';
import { AdminUnit, UnitKind } from './admin-unit.entity';
import { AdminUnitRepository, UnitLink } from './admin-unit.repository';
import { unitNotFound } from './geography.errors';

/** Questions about the administrative tree, each as of a date (default: today in Vietnam). */
@Injectable()
export class GeographyService {
  constructor(
    private readonly units: AdminUnitRepository,
    private readonly clock: Clock,
  ) {}

  asOf(date?: string | null, field = 'asOf'): string {
    if (date === undefined || date === null) return this.clock.today();
    return requireIsoDate(date, field);
  }

  async unitByCode(code: string, asOf?: string | null): Promise<AdminUnit> {
    const date = this.asOf(asOf);
    const unit = await this.units.byCode(code, date);
    if (!unit) throw unitNotFound(code, date);
    return unit;
  }

  unitsByIds(ids: readonly string[]): Promise<AdminUnit[]> {
    return this.units.byIds(ids);
  }

  async unitById(id: string): Promise<AdminUnit> {
    const [unit] = await this.units.byIds([id]);
    if (!unit) throw DomainError.notFound('Administrative unit');
    return unit;
  }

  versions(code: string): Promise<AdminUnit[]> {
    return this.units.versions(code);
  }

  /** Children valid on the date; the unit itself must be valid then too. */
  async children(code: string, asOf?: string | null): Promise<AdminUnit[]> {
    const unit = await this.unitByCode(code, asOf);
    return this.units.children(unit.id, this.asOf(asOf));
  }

  async subtree(code: string, asOf?: string | null, kinds?: UnitKind[]): Promise<AdminUnit[]> {
    return this.subtreeOf(await this.unitByCode(code, asOf), asOf, kinds);
  }

  /** The subtree of a unit already in hand (one statement fewer than by its code). */
  subtreeOf(unit: AdminUnit, asOf?: string | null, kinds?: UnitKind[]): Promise<AdminUnit[]> {
    return this.units.subtree(unit, this.asOf(asOf), kinds);
  }

  ancestors(unit: AdminUnit): Promise<AdminUnit[]> {
    return this.units.ancestors(unit);
  }

  /** "What is this old unit now": its successors through every later reorganisation, with shares. */
  successors(unit: AdminUnit): Promise<UnitLink[]> {
    return this.units.lineage(unit.id, 'forward');
  }

  /** "What was this unit before": its predecessors, with the share of each that came to it. */
  predecessors(unit: AdminUnit): Promise<UnitLink[]> {
    return this.units.lineage(unit.id, 'back');
  }
}
