import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Permission, scopeIncludes } from '@cdtg/access';
import { ActorService } from '@cdtg/accounts';
import { CoverageExportService } from '@cdtg/rollups';

/**
 * GET /exports/<id>?expires=<unix seconds>&sig=<signature>: the file of a coverage export, behind the signed link
 * coverageExport(id).downloadUrl gives (a browser downloads it without the bearer token). A wrong signature, an
 * expired link, an unknown export and an owner who is disabled or no longer holds the scope the file was made in get
 * the same 404.
 */
@Controller('exports')
export class ExportDownloadController {
  constructor(
    private readonly exports: CoverageExportService,
    private readonly actors: ActorService,
  ) {}

  @Get(':id')
  async download(@Param('id') id: string, @Query('expires') expires: string, @Query('sig') signature: string, @Res() res: Response): Promise<void> {
    const file = await this.exports.download(id, String(expires ?? ''), String(signature ?? ''), async (ownerId, madeIn) => {
      const owner = await this.actors.actorOfUser(ownerId);
      return !!owner && owner.can(Permission.ReadCoverage) && scopeIncludes(owner.scope(Permission.ReadCoverage), madeIn);
    });
    if (!file) throw new NotFoundException('No such export, or the link has expired');
    res
      .status(200)
      .type(file.contentType)
      .set({
        'Cache-Control': 'private, no-store',
        'Content-Disposition': `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        'X-Content-Type-Options': 'nosniff',
      })
      .send(file.content);
  }
}
