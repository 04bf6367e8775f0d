import { placesOf, type ChildUnit } from './places';

const child = (id: string, name: string, before: { code: string; parent: [string, string]; ancestors: string[] }): ChildUnit => ({
  id,
  code: id,
  name,
  predecessors: [
    {
      unit: {
        code: before.code,
        ancestors: before.ancestors.map((code) => ({ code })),
        parent: { code: before.parent[0], name: `Phường ${before.parent[1]}`, typeWord: 'Phường' },
      },
    },
  ],
});

// Phường Hải Châu (2025) merged Hải Châu I and Thạch Thang: both had a "Tổ dân phố 1".
const haiChau = { id: 'w', code: '20242', name: 'Phường Hải Châu' };
const children = [
  child('a1', 'Tổ dân phố 1', { code: 'old-a1', parent: ['20242', 'Hải Châu I'], ancestors: ['48', '492', '20242'] }),
  child('b1', 'Tổ dân phố 1', { code: 'old-b1', parent: ['20245', 'Thạch Thang'], ancestors: ['48', '492', '20245'] }),
];

describe('the lead’s places', () => {
  it('names each residential group with its former ward when the ward was merged', () => {
    const places = placesOf(haiChau, [{ commune: haiChau, children }]);
    expect(places.map((p) => [p.name, p.formerCommune ?? null])).toEqual([
      ['Phường Hải Châu', null],
      ['Tổ dân phố 1', 'Hải Châu I'],
      ['Tổ dân phố 1', 'Thạch Thang'],
    ]);
  });

  it('keeps a group founded on a pre-reform ward to the places that were in that ward', () => {
    const oldWard = { id: 'old', code: '20245', name: 'Phường Thạch Thang', validTo: '2025-06-30' };
    const places = placesOf(oldWard, [{ commune: haiChau, children }]);
    expect(places.map((p) => p.id)).toEqual(['w', 'b1']);
  });

  it('does not name the former ward when it had the same name', () => {
    const same = child('c1', 'Tổ dân phố 3', { code: 'old-c1', parent: ['20242', 'Hải Châu'], ancestors: ['48', '20242'] });
    expect(placesOf(haiChau, [{ commune: haiChau, children: [same] }])[1].formerCommune).toBeNull();
  });
});
