import { Language } from '@cdtg/notifications';
import { entryVector, sessionVector, volunteerVector } from './facts';
import { Basis, FLAG, figureOf, figuresOf, MEASURE_INDEX, MEASURE_LIST, MEASURES, measuresSql, SESSION_RECORDS, SHOWN, STOCKS, zero } from './measures';
import { COVERAGE_COLUMNS } from './report-file';

/** The measure registry is the one declaration: everything else is derived from it, in its order. */
describe('measure registry', () => {
  it('gives every measure one position, a source, and a way to be shown', () => {
    expect(new Set(MEASURES).size).toBe(MEASURES.length);
    MEASURES.forEach((m, i) => expect(MEASURE_INDEX[m]).toBe(i));
    // A measure not shown on its own is the cumulative figure of one that is.
    const cumulatives = new Set(SHOWN.flatMap((m) => ('field' in m.row && m.row.cumulative ? [m.row.cumulative] : [])));
    for (const m of MEASURE_LIST) if (!m.row) expect(cumulatives).toContain(m.name);
    for (const name of cumulatives) expect(STOCKS).toContain(name);
    expect(MEASURE_LIST.filter((m) => m.followsBasis).map((m) => m.source)).toEqual(MEASURE_LIST.filter((m) => m.source === 'entries').map(() => 'entries'));
  });

  it('sums every measure of a source in SQL, and only those', () => {
    for (const source of ['entries', 'volunteers', 'sessions'] as const) {
      expect(Object.keys(measuresSql(source, 'M', Basis.All))).toEqual(MEASURE_LIST.filter((m) => m.source === source).map((m) => m.name));
    }
    expect(measuresSql('entries', 'W', Basis.Verified).households).toBe(`sum(((f.v_flags & ${FLAG.W}) <> 0)::int)::int`);
    expect(measuresSql('sessions', 'A', Basis.All).participants).toBe('sum(f."participants")::int');
    expect(SESSION_RECORDS.map((r) => r.column)).toEqual(MEASURE_LIST.filter((m) => m.source === 'sessions' && m.record).map((m) => m.name));
  });

  it('makes a fact add to its own measures only, by the same rules as the SQL', () => {
    const entry = {
      entryId: 'e',
      householdId: 'h',
      unitId: 'u',
      day: '2026-03-02',
      aFlags: 1 | FLAG.D | FLAG.W | FLAG.ever,
      vFlags: 0,
      doneBits: 0b101,
      followUpBits: 0b10,
      aNet: 1,
      vNet: 0,
    };
    const all = entryVector(entry, 'W', Basis.All);
    expect(all[MEASURE_INDEX.households]).toBe(1);
    expect(entryVector(entry, 'M', Basis.All)[MEASURE_INDEX.households]).toBe(0);
    expect(all[MEASURE_INDEX.done_vneid_account] + all[MEASURE_INDEX.done_portal_account] + all[MEASURE_INDEX.follow_up_vneid_level2]).toBe(3);
    expect(all[MEASURE_INDEX.follow_ups_net]).toBe(1);
    expect(entryVector(entry, 'W', Basis.Verified)).toEqual(zero());
    const volunteer = volunteerVector({ memberId: 'm', day: '2026-03-02', unitId: 'u', flags: 1 | FLAG.D | FLAG.ever }, 'A');
    expect(volunteer[MEASURE_INDEX.volunteers] + volunteer[MEASURE_INDEX.volunteers_ever]).toBe(2);
    const records = Object.fromEntries(SESSION_RECORDS.map((r, i) => [r.column, i + 1]));
    const session = sessionVector({ sessionId: 's', unitId: 'u', day: '2026-03-02', records });
    const bySource = { entries: all, volunteers: volunteer, sessions: session };
    MEASURE_LIST.forEach((m, i) => {
      for (const [source, v] of Object.entries(bySource)) if (source !== m.source) expect([m.name, source, v[i]]).toEqual([m.name, source, 0]);
    });
    expect(session[MEASURE_INDEX.sessions_held]).toBe(1);
    expect(session[MEASURE_INDEX.trained_male_60_plus]).toBe(records.trained_male_60_plus);
  });

  it('shows every measure in the coverage row and the export, in registry order', () => {
    const flow = MEASURES.map((_, i) => i + 1);
    const stock = MEASURES.map((_, i) => 100 + i);
    const row = figuresOf(flow, stock, false, (n) => n);
    for (const m of SHOWN) expect([m.name, figureOf(row, m)]).toEqual([m.name, (m.stock ? stock : flow)[MEASURE_INDEX[m.name]]]);
    expect(row.householdsReached).toBe(flow[MEASURE_INDEX.households]);
    expect(figuresOf(flow, stock, true, (n) => n).activeVolunteers).toBe(stock[MEASURE_INDEX.volunteers_ever]);
    expect(row.trained).toHaveLength(6);
    expect(row.trained[5]).toEqual({ gender: 'male', ageBand: '60_plus', people: flow[MEASURE_INDEX.trained_male_60_plus] });
    const headers = COVERAGE_COLUMNS.map((c) => c.header[Language.en]);
    for (const m of SHOWN) expect(headers).toContain(m.row.header.en);
    expect(headers.slice(4, 8)).toEqual(['Households', 'Households reached in the period', 'Households reached to date', 'Coverage (%)']);
    expect(COVERAGE_COLUMNS.map((c) => c.header[Language.vi]).at(-2)).toBe(SHOWN.at(-1)!.row.header.vi);
  });
});
