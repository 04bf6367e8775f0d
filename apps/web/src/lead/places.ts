import type { Unit } from '../lib/me';
import type { Place } from './PlacePicker';

/** A place in force today as the lead's setup reads it: with what it was before the 2025 reform. */
export interface PlaceBefore {
  code: string;
  ancestors: { code: string }[];
  parent: { code: string; name: string; typeWord: string } | null;
}
export type ChildUnit = Unit & { predecessors: { unit: PlaceBefore }[] };

/**
 * The places a group's households can live in: each commune in force that the group's unit became, and those of its
 * residential groups that are in the group's area. A group founded on a pre-reform unit works in that unit's territory
 * (the server refuses the rest): the residential groups whose earlier version was in it. A group on a unit in force
 * works in all of it. Each residential group carries its former commune when that had another name, since merged
 * wards repeat names ("Tổ dân phố 1 – Thạch Thang").
 */
export function placesOf(groupUnit: Unit, communes: { commune: Unit; children: ChildUnit[] }[]): Place[] {
  const inArea = (c: ChildUnit) =>
    !groupUnit.validTo || c.predecessors.some((p) => p.unit.code === groupUnit.code || p.unit.ancestors.some((a) => a.code === groupUnit.code));
  const places: Place[] = [];
  for (const { commune, children } of communes) {
    places.push({ id: commune.id, name: commune.name });
    for (const c of children.filter(inArea)) {
      const former = c.predecessors.map((p) => p.unit.parent).find((p) => p && p.name !== commune.name);
      places.push({ id: c.id, name: c.name, formerCommune: former ? former.name.replace(`${former.typeWord} `, '') : null });
    }
  }
  return places.filter((p, i) => places.findIndex((q) => q.id === p.id) === i);
}
