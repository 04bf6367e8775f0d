import { Language } from '../language';
import { escapeHtml, isPhoneTemplate, layout, renderEmail, renderPhoneMessage } from '.';

describe('e-mail templates', () => {
  it('renders Vietnamese and English with plain text and HTML', () => {
    const vi = renderEmail('test', Language.vi, { requestedAt: '2026-01-05T01:00:00Z' });
    expect(vi.subject).toBe('Thư kiểm tra từ hệ thống cdtg');
    expect(vi.text).toContain('08:00:00'); // 01:00 UTC is 08:00 in Asia/Ho_Chi_Minh
    expect(vi.html).toContain('<html lang="vi">');
    const en = renderEmail('test', Language.en, { requestedAt: '2026-01-05T01:00:00Z' });
    expect(en.subject).toBe('Test message from cdtg');
    expect(en.text).toContain('Please do not reply');
  });

  it('escapes every parameter in HTML', () => {
    expect(escapeHtml('<script>"x" & \'y\'</script>')).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    expect(layout(Language.en, 'S', [{ text: '<b>hi</b>' }]).html).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });

  it('writes invitations in the recipient language, escaping names in HTML', () => {
    const params = {
      displayName: '<b>Hoa</b>',
      invitedBy: 'so@cdtg.vn',
      grants: [{ role: 'WARD_OFFICER', scope: 'Phường Hải Châu' }],
      link: 'https://x/accept-invitation?token=abc',
      expiresAt: '2026-01-05T01:00:00Z',
    };
    const vi = renderEmail('invitation', Language.vi, params);
    expect(vi.text).toContain('Cán bộ phường/xã – Phường Hải Châu');
    expect(vi.text).toContain('08:00'); // Asia/Ho_Chi_Minh
    expect(vi.html).toContain('&lt;b&gt;Hoa&lt;/b&gt;');
    expect(renderEmail('invitation', Language.en, params).subject).toBe('Invitation to the community digital technology groups platform');
    expect(renderEmail('password-reset', Language.en, params).text).toContain('https://x/accept-invitation?token=abc');
  });

  it('writes session notices in both languages, in Vietnam time, with the .ics attached', () => {
    const session = {
      title: 'Kích hoạt <VNeID>',
      groupName: 'Tổ CNSCĐ số 5',
      startsAt: '2026-12-05T01:00:00Z',
      endsAt: '2026-12-05T03:00:00Z',
      place: 'Nhà văn hóa',
      unitName: 'Tổ dân phố 5',
      topics: ['Kích hoạt định danh điện tử VNeID'],
    };
    const params = {
      ...session,
      memberName: 'Nguyễn Văn An',
      role: 'trainer',
      calendarUrl: 'https://x/calendar/1.ics?sig=s',
      ics: 'BEGIN:VCALENDAR',
      assignedBy: 'phuong@cdtg.vn',
    };
    const vi = renderEmail('session-assigned', Language.vi, params);
    expect(vi.subject).toBe('Phân công tập huấn: Kích hoạt <VNeID> – 08:00–10:00, Thứ Bảy 05/12/2026');
    expect(vi.text).toContain('Vai trò của bạn: Giảng viên');
    expect(vi.html).toContain('Kích hoạt &lt;VNeID&gt;');
    expect(vi.attachments).toEqual([
      { filename: 'buoi-tap-huan.ics', content: 'BEGIN:VCALENDAR', contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
    ]);
    const en = renderEmail('session-changed', Language.en, { ...params, previous: { ...session, place: 'Old place' }, reason: 'Rain' });
    expect(en.subject).toBe('Schedule change: Kích hoạt <VNeID> – 08:00–10:00, Saturday, 5 December 2026');
    expect(en.text).toContain('Reason: Rain.');
    const agenda = renderEmail('weekly-agenda', Language.vi, {
      memberName: 'An',
      weekOf: '2026-11-30',
      items: [{ ...session, role: 'assistant', status: 'pending' }],
      calendarUrl: 'https://x/c',
      preferenceUrl: 'https://x/p?member=1&sig=s',
    });
    expect(agenda.subject).toBe('Lịch tập huấn tuần từ 30/11/2026: 1 buổi');
    expect(agenda.text).toContain('Trạng thái: chưa xác nhận');
    expect(agenda.headers).toEqual({ 'List-Unsubscribe': '<https://x/p?member=1&sig=s>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('says in the weekly digest what the nightly rollup checks found', () => {
    const digest = {
      displayName: 'Sở',
      unitName: 'Thành phố Đà Nẵng',
      weekStart: '2026-11-23',
      weekEnd: '2026-11-29',
      householdsReachedThisWeek: 2,
      householdsReachedToDate: 9,
      households: 100,
      coveragePercent: 9,
      changePoints: 1,
      sessionsHeld: 1,
      activeVolunteers: 3,
      lowest: [],
      attachment: { filename: 'bao-phu.xlsx', base64: '' },
    };
    const check = { day: '2026-12-03', consistent: true, repaired: false, differences: 0, checks: 7, withDifferences: 0, repairs: 0 };
    expect(renderEmail('weekly-digest', Language.vi, { ...digest, check }).text).toContain(
      'Kiểm tra đối chiếu hằng đêm (03/12/2026): số liệu khớp với kết quả tính lại từ dữ liệu gốc.',
    );
    expect(renderEmail('weekly-digest', Language.en, { ...digest, check: { ...check, withDifferences: 2, repairs: 1 } }).text).toContain(
      'Nightly check (03/12/2026): the figures equal a recount from the records. In the past 7 days, 2 check(s) found differences; 1 repair(s) made.',
    );
    const differs = { ...check, consistent: false, differences: 1234 };
    expect(renderEmail('weekly-digest', Language.vi, { ...digest, check: differs }).text).toContain(
      'phát hiện 1.234 chênh lệch so với tính lại từ dữ liệu gốc; bộ phận kỹ thuật đã được báo',
    );
    expect(renderEmail('weekly-digest', Language.en, { ...digest, check: differs }).text).toContain(
      '1,234 difference(s) from a recount from the records; the technical team has been alerted',
    );
    expect(renderEmail('weekly-digest', Language.en, { ...digest, check: { ...differs, repaired: true } }).text).toContain('repaired by the recount');
    expect(renderEmail('weekly-digest', Language.en, { ...digest, check: null }).text).toContain('Nightly check: no result yet.');
    expect(renderEmail('weekly-digest', Language.en, digest).text).not.toContain('Nightly check'); // queued before digests carried it
  });
});

describe('phone notices (ZNS, SMS)', () => {
  const params = {
    title: 'Hướng dẫn VNeID',
    groupName: 'Tổ 5',
    startsAt: '2026-12-05T01:00:00.000Z',
    endsAt: '2026-12-05T03:00:00.000Z',
    place: 'Nhà văn hóa tổ 5',
    unitName: 'Phường Hải Châu',
    topics: [],
    memberName: 'Nguyễn Văn An',
    role: 'trainer',
    calendarUrl: 'https://cdtg.test/calendar/x.ics',
    ics: '',
    respondUrl: 'https://cdtg.test/r/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB',
  };

  it('writes a short SMS in Vietnam time with the signed link, and the ZNS template data', () => {
    const vi = renderPhoneMessage('session-assigned', Language.vi, params);
    expect(vi.text).toBe(
      'cdtg: Bạn được phân công làm giảng viên buổi "Hướng dẫn VNeID" 08:00 05/12/2026, Nhà văn hóa tổ 5. Nhận lời/từ chối: https://cdtg.test/r/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB',
    );
    expect(vi.data).toEqual({
      member_name: 'Nguyễn Văn An',
      session_title: 'Hướng dẫn VNeID',
      session_time: '08:00 05/12/2026',
      place: 'Nhà văn hóa tổ 5, Phường Hải Châu',
      role: 'giảng viên',
      respond_url: params.respondUrl,
    });
    expect(renderPhoneMessage('session-cancelled', Language.en, { ...params, reason: 'Storm' }).text).toBe(
      'cdtg: "Hướng dẫn VNeID" 08:00 05/12/2026 is cancelled. Reason: Storm.',
    );
  });

  it('cuts long ZNS parameters and knows which templates go by phone', () => {
    expect(renderPhoneMessage('session-reminder', Language.vi, { ...params, title: 'x'.repeat(300) }).data.session_title).toHaveLength(100);
    expect(isPhoneTemplate('session-assigned')).toBe(true);
    expect(isPhoneTemplate('weekly-agenda')).toBe(false);
  });
});
