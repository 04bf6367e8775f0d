import { Basis } from './measures';
import { Period } from './periods';

/** The levels coverage is broken down by. */
export enum CoverageLevel {
  Province = 'province',
  District = 'district',
  Commune = 'commune',
  ResidentialGroup = 'residential_group',
}

export interface CoverageQuery {
  unitCode: string;
  level: CoverageLevel;
  period: Period;
  /** First and last day of the range (YYYY-MM-DD, Asia/Ho_Chi_Minh); default: the bucket holding today. */
  from?: string | null;
  to?: string | null;
  /** The tree to answer in: the units in force on this day (default today). */
  geographyAsOf?: string | null;
  basis?: Basis;
}

/** The files a coverage table is exported as. */
export enum ExportFormat {
  Csv = 'csv',
  Xlsx = 'xlsx',
}
