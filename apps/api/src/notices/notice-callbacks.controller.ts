import { Body, Controller, Headers, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { NoticeReceipts } from '@cdtg/notifications';

/**
 * Delivery receipts from the providers (notice-receipts.service.ts): Zalo's ZNS webhook, signed with
 * X-ZEvent-Signature (mac=…), and the SMS gateway's receipt, with its shared secret. A bad signature, or a ZNS event
 * more than 15 minutes old (a replay), gets 401; anything else 200 (an unknown message too, so a provider does not retry it forever).
 */
@Controller('callbacks')
export class NoticeCallbacksController {
  constructor(private readonly receipts: NoticeReceipts) {}

  @Post('zns')
  @HttpCode(200)
  async zns(@Req() req: Request & { rawBody?: Buffer }, @Headers('x-zevent-signature') signature: string | undefined): Promise<{ outcome: string }> {
    const outcome = await this.receipts.znsEvent(req.rawBody?.toString('utf8') ?? '', signature);
    if (outcome === 'bad-signature' || outcome === 'stale') throw new UnauthorizedException('Bad signature');
    return { outcome };
  }

  @Post('sms')
  @HttpCode(200)
  async sms(@Body() body: Record<string, unknown>, @Headers('authorization') authorization: string | undefined): Promise<{ outcome: string }> {
    const outcome = await this.receipts.smsReceipt(body ?? {}, authorization);
    if (outcome === 'bad-signature') throw new UnauthorizedException('Bad signature');
    return { outcome };
  }
}
