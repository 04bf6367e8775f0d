import { Module } from '@nestjs/common';
import { AdminUnitRepository } from './admin-unit.repository';
import { GeographyImportService } from './geography-import.service';
import { GeographyService } from './geography.service';

@Module({
  providers: [AdminUnitRepository, GeographyService, GeographyImportService],
  exports: [GeographyService, GeographyImportService],
})
export class GeographyModule {}
