/** A Vietnamese phone number as people write it: "+84905123456" → "0905 123 456" (others as they are). */
export function localPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const m = /^\+84(\d{9,10})$/.exec(phone);
  if (!m) return phone;
  const local = `0${m[1]}`;
  return local.length === 10 ? `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}` : `${local.slice(0, 3)} ${local.slice(3, 7)} ${local.slice(7)}`;
}
