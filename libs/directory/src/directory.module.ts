import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { DirectoryImportService } from './directory-import.service';
import { DirectoryRepository } from './directory.repository';
import { DirectoryService } from './directory.service';

@Module({
  imports: [GeographyModule],
  providers: [DirectoryRepository, DirectoryService, DirectoryImportService],
  exports: [DirectoryService, DirectoryImportService],
})
export class DirectoryModule {}
