import { AppConfig } from '@cdtg/config';
import { escapeText, foldLine, icsCalendar } from './icalendar';
import { SignedLinks } from '@cdtg/access';
import { explainSuggestion, rankSuggestions, scoreSuggestion, SuggestionFacts } from './suggestions';

describe('iCalendar', () => {
  it('escapes text and folds long lines without splitting a Vietnamese character', () => {
    expect(escapeText('Nhà văn hóa; tổ 5, 12 Lê Duẩn\nTầng 2\\A')).toBe('Nhà văn hóa\\; tổ 5\\, 12 Lê Duẩn\\nTầng 2\\\\A');
    const long = `SUMMARY:${'Bình dân học vụ số '.repeat(10)}`;
    const folded = foldLine(long);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(long);
  });

  it('writes events in UTC with CRLF line ends', () => {
    const text = icsCalendar(
      [
        {
          uid: 'session-1@cdtg',
          sequence: 2,
          startsAt: new Date('2026-12-05T01:00:00Z'),
          endsAt: new Date('2026-12-05T03:00:00Z'),
          summary: 'Kích hoạt VNeID',
          location: 'Nhà văn hóa',
          geo: { latitude: 16.06, longitude: 108.22 },
          status: 'CANCELLED',
        },
      ],
      { name: 'Lịch', now: new Date('2026-11-23T00:00:00Z') },
    );
    expect(text).toContain('\r\nDTSTART:20261205T010000Z\r\nDTEND:20261205T030000Z\r\n');
    expect(text).toContain('\r\nSEQUENCE:2\r\n');
    expect(text).toContain('\r\nGEO:16.06;108.22\r\n');
    expect(text).toContain('\r\nSTATUS:CANCELLED\r\n');
    expect(text).toContain('DTSTAMP:20261123T000000Z');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });
});

describe('signed links', () => {
  const member = '0b9f7e5e-7b8a-4c11-9a55-0c7a2b1d3e4f';
  const links = new SignedLinks(Object.assign(new AppConfig(), { AUTH_SECRET: 'x'.repeat(48), PUBLIC_URL: 'https://cdtg.vn' }));

  it('signs a member per purpose with a key derived from AUTH_SECRET', () => {
    const url = new URL(links.calendarFeedUrl(member));
    expect(url.pathname).toBe(`/calendar/${member}.ics`);
    const sig = url.searchParams.get('sig')!;
    expect(links.verify('calendar-feed', member, sig)).toBe(true);
    expect(links.verify('agenda-preference', member, sig)).toBe(false); // a calendar link cannot unsubscribe
    expect(links.verify('calendar-feed', member.replace('0b9f', '1b9f'), sig)).toBe(false);
    expect(links.verify('calendar-feed', member, sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A'))).toBe(false);
    const other = new SignedLinks(Object.assign(new AppConfig(), { AUTH_SECRET: 'y'.repeat(48) }));
    expect(other.verify('calendar-feed', member, sig)).toBe(false); // a new AUTH_SECRET retires every link
  });
});

describe('assignment suggestions', () => {
  const facts = (over: Partial<SuggestionFacts>): SuggestionFacts => ({
    memberId: 'm',
    fullName: 'Nguyễn Văn An',
    requiredSkills: ['vneid', 'public_services'],
    matchedSkills: [],
    sameGroup: false,
    sameUnit: false,
    recentAssignments: 0,
    ...over,
  });

  it('scores skills (50), nearness (30 or 10) and fairness (20 / (1 + recent assignments))', () => {
    expect(scoreSuggestion(facts({ matchedSkills: ['vneid'], sameUnit: true, recentAssignments: 1 }))).toMatchObject({
      skillPoints: 25,
      localityPoints: 30,
      fairnessPoints: 10,
      score: 65,
    });
    expect(scoreSuggestion(facts({ recentAssignments: 2 }))).toMatchObject({ skillPoints: 0, localityPoints: 10, fairnessPoints: 6.7, score: 16.7 });
  });

  it('ranks best first, fewer recent assignments first on a tie, and explains', () => {
    const ranked = rankSuggestions(
      [
        facts({ memberId: 'busy', fullName: 'B', matchedSkills: ['vneid', 'public_services'], recentAssignments: 1, sameGroup: true }),
        facts({ memberId: 'free', fullName: 'A', matchedSkills: ['vneid', 'public_services'], sameGroup: true }),
        facts({ memberId: 'none', fullName: 'C' }),
      ],
      2,
    );
    expect(ranked.map((s) => s.memberId)).toEqual(['free', 'busy']);
    expect(explainSuggestion(ranked[0], 'vi')).toBe(
      'Kỹ năng phù hợp 2/2 (vneid, public_services): +50; cùng tổ tổ chức buổi học: +30; 0 phân công trong 30 ngày qua: +20; tổng 100/100',
    );
    expect(explainSuggestion(ranked[1], 'en')).toContain('1 assignment(s) in the last 30 days: +10');
  });
});
