import { assertExactlyOneHandler } from './job-handler';
import { JobName } from './job-names';
import { validatePayload } from './job-payloads';

describe('job handlers', () => {
  it('accepts exactly one handler per job name', () => {
    const all = new Map(Object.values(JobName).map((name) => [name, [`${name}Handler`]]));
    expect(() => assertExactlyOneHandler(all)).not.toThrow();
  });

  it('refuses to start when a job has no handler', () => {
    expect(() => assertExactlyOneHandler(new Map())).toThrow('Worker refuses to start: job "mail.send" has no handler');
  });

  it('refuses to start when a job has two handlers', () => {
    expect(() => assertExactlyOneHandler(new Map([[JobName.SendEmail, ['A', 'B']]]))).toThrow('job "mail.send" has 2 handlers (A, B)');
  });
});

describe('job payloads', () => {
  it('validates when built', () => {
    expect(validatePayload(JobName.SendEmail, { emailId: '0b9f7e5e-7b8a-4c11-9a55-0c7a2b1d3e4f' })).toEqual({
      emailId: '0b9f7e5e-7b8a-4c11-9a55-0c7a2b1d3e4f',
    });
    expect(() => validatePayload(JobName.SendEmail, { emailId: 'x' })).toThrow('Invalid payload for job mail.send: emailId');
    expect(() => validatePayload(JobName.SendEmail, { emailId: '0b9f7e5e-7b8a-4c11-9a55-0c7a2b1d3e4f', extra: 1 })).toThrow(/extra/);
    expect(() => validatePayload('nope' as JobName, {})).toThrow('Unknown job name');
  });
});
