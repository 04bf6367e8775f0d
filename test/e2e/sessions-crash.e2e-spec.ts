import { eventually, startTestApp, TestApp } from '../support/app';
import { freePort, startNode, WORKER_MAIN as WORKER } from '../support/processes';
import { CaughtMail, TestSmtpServer } from '../support/smtp';
import { REDIS_URL } from '../support/test-env';

const dedupeKey = (m: CaughtMail) => String(m.parsed.headers.get('x-cdtg-dedupe-key') ?? '');

/**
 * kill -9 of the worker while it is sending: the API runs here, the compiled worker runs as its own process, and the
 * SMTP server kills that process the moment a message has fully arrived, before it answers "accepted". The e-mail
 * row stays queued (its transaction died with the process), BullMQ takes the job back once its lock expires, and a
 * restarted worker sends it again. Delivery is AT LEAST ONCE: SMTP has no way to ask "did you already get this?",
 * so a crash between the server receiving a message and our commit sends it twice; both copies carry the same
 * Message-ID and X-Cdtg-Dedupe-Key (mail systems collapse them), and every other e-mail is sent exactly once.
 */
describe('sessions: a worker killed mid-send', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: ReturnType<typeof startNode> | null = null;
  let killedWhileSending: string | null = null;

  beforeAll(async () => {
    smtp = await new TestSmtpServer({
      beforeAccept: async (mail) => {
        if (killedWhileSending || !worker) return;
        killedWhileSending = dedupeKey(mail);
        await worker.stop('SIGKILL');
      },
    }).start();
    t = await startTestApp({ worker: false, env: { SMTP_URL: smtp.url } });
  });

  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await smtp?.stop();
  });

  const startWorker = async () => {
    const env = {
      DATABASE_URL: t.db.url,
      REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: t.queuePrefix,
      WORKER_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      WORKER_CONCURRENCY: '1',
      JOB_LOCK_MS: '1500',
      JOB_BACKOFF_MS: '100',
      OUTBOX_POLL_MS: '200',
    };
    return startNode(WORKER, env);
  };

  it('sends each assignment notice at least once, the one cut off twice with the same Message-ID and dedupe key', async () => {
    const units = await t.gql(`mutation($csv: String!) { importUnits(input: { csv: $csv }) { created } }`, {
      csv: 'code,name,kind,type,parent_code,valid_from,valid_to\n96,Tỉnh Thử Nghiệm,province,Tỉnh,,2025-07-01,\n96001,Phường Thử Nghiệm,commune,Phường,96,2025-07-01,\n',
    });
    expect(units.data).toEqual({ importUnits: { created: 2 } });
    const unit = await t.gql<{ unit: { id: string } }>(`{ unit(code: "96001") { id } }`);
    const unitId = unit.data!.unit.id;
    const group = await t.gql<{ createGroup: { id: string } }>(
      `mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ công nghệ số Thử Nghiệm" }) { id } }`,
      { u: unitId },
    );
    const groupId = group.data!.createGroup.id;
    const start = new Date(Date.now() + 5 * 86_400_000);
    const session = await t.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
      input: {
        groupId,
        unitId,
        title: 'Buổi thử sự cố',
        topics: ['vneid'],
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3600_000).toISOString(),
        place: 'Hội trường',
        capacity: 30,
        trainerSlots: 3,
      },
    });
    expect(session.errors).toBeUndefined();
    const names = ['Hồ Thị Hạnh', 'Đặng Văn Hùng', 'Bùi Thị Lan'];
    const keys: string[] = [];
    for (const [i, fullName] of names.entries()) {
      const member = await t.gql<{ createMember: { id: string } }>(
        `mutation($g: UUID!, $n: String!, $p: String!, $e: String!) { createMember(input: { groupId: $g, fullName: $n, phone: $p, email: $e }) { id } }`,
        {
          g: groupId,
          n: fullName,
          p: `0912 500 00${i}`,
          e: `tnv${i}@example.vn`,
        },
      );
      const assigned = await t.gql<{ assignMember: { id: string } }>(
        `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: TRAINER }) { id } }`,
        {
          s: session.data!.planSession.id,
          m: member.data!.createMember.id,
        },
      );
      keys.push(`assignment:${assigned.data!.assignMember.id}`);
    }
    // Written, not sent: no worker runs yet (the worker's notice job hands each to the mail queue: no phone consent).
    expect(await t.db.query(`SELECT 1 FROM notice WHERE status = 'queued'`)).toHaveLength(3);

    worker = await startWorker();
    await eventually(() => worker!.child.exitCode !== null || worker!.child.signalCode !== null, 30_000); // killed mid-send
    expect(killedWhileSending).toMatch(/^assignment:/);
    const [cutOff] = await t.db.query<{ status: string }>(`SELECT status FROM email_message WHERE dedupe_key = $1`, [killedWhileSending]);
    expect(cutOff.status).toBe('queued'); // the SMTP server has it; our commit never happened

    worker = await startWorker();
    await eventually(async () => (await t.db.query(`SELECT 1 FROM email_message WHERE status = 'sent'`)).length === 3, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives

    const byKey = new Map(keys.map((k) => [k, smtp.messages.filter((m) => dedupeKey(m) === k)]));
    for (const [key, copies] of byKey) expect([key, copies.length]).toEqual([key, key === killedWhileSending ? 2 : 1]);
    const [a, b] = byKey.get(killedWhileSending!)!;
    expect(a.parsed.messageId).toBe(b.parsed.messageId);
    const [row] = await t.db.query<{ id: string }>(`SELECT id FROM email_message WHERE dedupe_key = $1`, [killedWhileSending]);
    expect(a.parsed.messageId).toBe(`<${row.id}@cdtg>`);
    expect(smtp.messages).toHaveLength(4);
    expect(await worker.stop()).toBe(0);
    worker = null;
  }, 90_000);
});
