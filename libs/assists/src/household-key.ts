import { createHmac } from 'node:crypto';
import { Reason, ReasonParams } from '@cdtg/errors';
import { foldVietnamese } from '@cdtg/text';
import { HouseholdKeyKind } from './assist.enums';

/** A household as volunteers identify it: by its household code, or by address and head-of-household name. */
export interface HouseholdIdentity {
  code?: string | null;
  address?: string | null;
  headName?: string | null;
}

/** One server secret of the household key; the first in the list is current, the others are still recognised. */
export interface HouseholdSecret {
  version: number;
  secret: string;
}

/** Address words written in several ways, folded to one (after diacritics are removed). */
const ADDRESS_WORDS: [RegExp, string][] = [
  [/\bto dan pho\b|\btdp\b/g, 'to'],
  [/\bkiet\b|\bk(?=\s*\d)/g, 'kiet'],
  [/\bhem\b|\bh(?=\s*\d)/g, 'hem'],
  [/\bngach\b/g, 'ngach'],
  [/\b(?:so nha|so|sn)\s+(?=\d)/g, ''],
  [/\b(?:duong|pho|d)\s+/g, ''],
];

/** Where the part of an address naming the ward, district or city begins: it is dropped (the household is already placed). */
const ADMIN_TAIL = /\s(?:phuong|p|xa|thi tran|tt|quan|q|huyen|thi xa|tx|thanh pho|tp|tinh|dac khu)(?:\s|$).*$/;

/** Courtesy titles before a name: "ông Nguyễn Văn An" is Nguyễn Văn An. */
const TITLES = /^(?:ong|ba|anh|chi|co|chu|bac|cu|em)\s+/;

/** Folds an address: no diacritics or case, punctuation as spaces, common abbreviations unified, ward/city dropped. */
export function normaliseAddress(address: string): string {
  let text = foldVietnamese(address)
    .replace(/[^a-z0-9/ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  text = text.replace(/\b([a-z]{1,4})(\d)/g, '$1 $2'); // "k12/5" → "k 12/5"
  for (const [pattern, replacement] of ADDRESS_WORDS) text = text.replace(pattern, replacement);
  return text.replace(ADMIN_TAIL, '').replace(/\s+/g, ' ').trim();
}

export function normaliseHeadName(name: string): string {
  return foldVietnamese(name)
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(TITLES, '');
}

/** A household code (mã hộ): letters and digits only, upper case. */
export function normaliseHouseholdCode(code: string): string {
  return code
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/** The problem with an identity, as [field, reason, params], or null when it identifies a household. */
export function identityProblem(identity: HouseholdIdentity): [string, Reason, ReasonParams?] | null {
  const hasCode = !!identity.code?.trim();
  const hasAddress = !!identity.address?.trim() || !!identity.headName?.trim();
  if (hasCode && hasAddress) return ['code', Reason.HouseholdCodeAndAddress];
  if (hasCode) {
    const code = normaliseHouseholdCode(identity.code!);
    // Letters and digits only: the code is normalised before it is counted.
    return code.length < 6 || code.length > 20 ? ['code', Reason.Length, { min: 6, max: 20 }] : null;
  }
  if (!hasAddress) return ['code', Reason.HouseholdIncomplete];
  const address = normaliseAddress(identity.address ?? '');
  if (!/\d/.test(address) || address.length < 3 || (identity.address ?? '').length > 300) return ['address', Reason.AddressIncomplete, { max: 300 }];
  const name = normaliseHeadName(identity.headName ?? '');
  if (name.length < 2 || (identity.headName ?? '').length > 100) return ['headName', Reason.Length, { min: 2, max: 100 }];
  return null;
}

/** The normalised text the key is computed from. Call only when identityProblem is null. */
export function keyMaterial(identity: HouseholdIdentity): { kind: HouseholdKeyKind; material: string } {
  if (identity.code?.trim()) return { kind: HouseholdKeyKind.Code, material: `code|${normaliseHouseholdCode(identity.code)}` };
  return { kind: HouseholdKeyKind.Address, material: `address|${normaliseAddress(identity.address!)}|${normaliseHeadName(identity.headName!)}` };
}

const hmac = (secret: HouseholdSecret, text: string) => createHmac('sha256', secret.secret).update(text).digest('base64url');

/**
 * The key of a household under one secret, as "<version>.<base64url>". The clear identifier never leaves this
 * function. A household code is unique in the country: its key is the HMAC of the code. An address and head name are
 * not: the same "12 Lê Lợi, tổ 5 / Nguyễn Văn An" exists in many wards, so the key also holds the place, the lineage
 * root of the unit the household lives in (see lineageRoots): HMAC(place | HMAC(material)). The inner HMAC is what
 * keys held before places were added, so stored keys can be given their place without the clear identifier.
 */
export function householdHash(material: string, secret: HouseholdSecret, placeId: string | null): string {
  return placeId === null ? `${secret.version}.${hmac(secret, material)}` : placedHash(`${secret.version}.${hmac(secret, material)}`, placeId, [secret])!;
}

/** A key without a place (as stored before places were added) with its place added; null when its secret is unknown. */
export function placedHash(unplaced: string, placeId: string, secrets: HouseholdSecret[]): string | null {
  const dot = unplaced.indexOf('.');
  const secret = secrets.find((s) => String(s.version) === unplaced.slice(0, dot));
  return secret ? `${secret.version}.${hmac(secret, `place|${placeId}|${unplaced.slice(dot + 1)}`)}` : null;
}

/** Vietnamese initial consonant clusters, longest first. */
const INITIALS = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr)/i;

/**
 * A label that lets volunteers recognise a household without exposing it: the initials of the head of household
 * and the residential group, e.g. "Ng… V… A…, tổ 12"; for a household code only its last three characters.
 */
export function maskedLabel(identity: HouseholdIdentity, unit: { name: string; typeWord: string }): string {
  const place = placeLabel(unit);
  if (identity.code?.trim()) return `Mã hộ …${normaliseHouseholdCode(identity.code).slice(-3)}, ${place}`;
  const words = (identity.headName ?? '').normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (words.length > 1 && TITLES.test(`${foldVietnamese(words[0])} `)) words.shift();
  const initials = words.map((w) => `${(INITIALS.exec(w)?.[0] ?? w[0]).replace(/^./, (c) => c.toUpperCase())}…`);
  return `${initials.join(' ')}, ${place}`;
}

/** How a label names the place: "tổ 12", "thôn 3", or the unit's name. */
export function placeLabel(unit: { name: string; typeWord: string }): string {
  const number = /(\d+\w*)\s*$/.exec(unit.name)?.[1];
  if (unit.typeWord === 'Tổ dân phố' && number) return `tổ ${number}`;
  if (unit.typeWord === 'Thôn' && number) return `thôn ${number}`;
  return unit.name;
}
