import type { Request, Response } from 'express';
import type { AssignmentLinkService } from '@cdtg/sessions';
import { AssignmentResponseController } from './assignment-response.controller';

/** What the controller sent: status, type and body. */
function fakeResponse() {
  const sent: { status?: number; type?: string; body?: string } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    type(t: string) {
      sent.type = t;
      return res;
    },
    set() {
      return res;
    },
    send(body: string) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('signed link pages when something goes wrong', () => {
  it('an unexpected error is a 500 HTML page in Vietnamese with English below, not JSON', async () => {
    const links = { signedAssignment: () => Promise.reject(new Error('database gone')) } as unknown as AssignmentLinkService;
    const controller = new AssignmentResponseController(links);
    (controller as unknown as { logger: { error(): void } }).logger = { error: () => undefined };
    for (const call of [(res: Response) => controller.show('x', res), (res: Response) => controller.answer('x', {} as Request, res)]) {
      const { res, sent } = fakeResponse();
      await call(res);
      expect(sent.status).toBe(500);
      expect(sent.type).toMatch(/^text\/html/);
      expect(sent.body).toContain('Có lỗi xảy ra');
      expect(sent.body).toContain('Something went wrong');
      expect(sent.body).not.toContain('database gone');
    }
  });

  it('an unknown link is a 404 HTML page', async () => {
    const links = { signedAssignment: () => Promise.resolve(null) } as unknown as AssignmentLinkService;
    const { res, sent } = fakeResponse();
    await new AssignmentResponseController(links).show('nonsense', res);
    expect(sent).toMatchObject({ status: 404, type: expect.stringMatching(/^text\/html/) });
    expect(sent.body).toContain('Đường dẫn không hợp lệ');
  });
});
