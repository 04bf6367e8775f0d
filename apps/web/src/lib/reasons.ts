/**
 * What the console says for each reason the API gives (the ErrorReason enum of schema.graphql), in Vietnamese and
 * English, with the reason's parameters. The server's English message is never shown: a reason missing here falls
 * back to the text of the error's code (reasons.spec.ts checks that every reason of the schema is here).
 */
export type ReasonParams = Record<string, string | number | string[]>;
type Text = (p: ReasonParams, lang: 'vi' | 'en') => string;

const n = (v: unknown, lang: 'vi' | 'en') => (typeof v === 'number' ? v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') : String(v ?? ''));
const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10).split('-').reverse().join('/') : String(v ?? ''));
/** A time in Vietnam as [day, hour]: ["08/12/2026", "09:00"] (the same in both languages). */
function vietnamTime(v: unknown): [string, string] | null {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return null;
  const local = new Date(Date.parse(v) + 7 * 3600_000).toISOString();
  return [day(local), local.slice(11, 16)];
}
/** "08/12/2026 09:00", or "08/12/2026 09:00–11:00" with an end on the same day. */
const time = (v: unknown, end?: unknown) => {
  const start = vietnamTime(v);
  if (!start) return String(v ?? '');
  const until = vietnamTime(end);
  return `${start[0]} ${start[1]}${until ? `–${until[0] === start[0] ? until[1] : until.join(' ')}` : ''}`;
};
/** " (hiệu lực 01/01/2020 – 30/06/2025): chọn đơn vị của ngày đó" when the unit's validity is known. */
const validity = (p: ReasonParams, lang: 'vi' | 'en') =>
  p.validFrom || p.validTo
    ? lang === 'vi'
      ? ` (hiệu lực ${p.validFrom ? day(p.validFrom) : '…'} – ${p.validTo ? day(p.validTo) : 'nay'}): chọn đơn vị của ngày đó`
      : ` (in force ${p.validFrom ? day(p.validFrom) : '…'} – ${p.validTo ? day(p.validTo) : 'now'}): choose the unit of that day`
    : '';
const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v ?? ''));

/** [Vietnamese, English] for each reason. */
const TEXTS: Record<string, [Text, Text]> = {
  REQUIRED: [() => 'cần nhập', () => 'is required'],
  NOT_TEXT: [() => 'phải là chữ', () => 'must be text'],
  UNREADABLE_TEXT: [() => 'có ký tự không đọc được', () => 'holds characters that cannot be read'],
  TOO_SHORT: [(p, l) => `cần ít nhất ${n(p.min, l)} ký tự`, (p, l) => `needs at least ${n(p.min, l)} characters`],
  TOO_LONG: [(p, l) => `dài quá ${n(p.max, l)} ký tự`, (p, l) => `is longer than ${n(p.max, l)} characters`],
  LENGTH: [(p, l) => `cần từ ${n(p.min, l)} đến ${n(p.max, l)} ký tự`, (p, l) => `needs ${n(p.min, l)} to ${n(p.max, l)} characters`],
  NOT_NUMBER: [() => 'phải là số', () => 'must be a number'],
  NOT_WHOLE_NUMBER: [() => 'phải là số nguyên', () => 'must be a whole number'],
  TOO_SMALL: [(p, l) => `không được nhỏ hơn ${n(p.min, l)}`, (p, l) => `must be at least ${n(p.min, l)}`],
  TOO_LARGE: [(p, l) => `không được lớn hơn ${n(p.max, l)}`, (p, l) => `must be at most ${n(p.max, l)}`],
  OUT_OF_RANGE: [(p, l) => `phải từ ${n(p.min, l)} đến ${n(p.max, l)}`, (p, l) => `must be from ${n(p.min, l)} to ${n(p.max, l)}`],
  NOT_BOOLEAN: [() => 'phải là có hoặc không', () => 'must be yes or no'],
  NOT_IN_LIST: [() => 'không có trong danh sách cho phép', () => 'is not one of the allowed values'],
  NOT_A_LIST: [() => 'phải là một danh sách', () => 'must be a list'],
  TOO_FEW: [(p, l) => `cần ít nhất ${n(p.min, l)}`, (p, l) => `needs at least ${n(p.min, l)}`],
  TOO_MANY: [(p, l) => `nhiều nhất ${n(p.max, l)}`, (p, l) => `at most ${n(p.max, l)}`],
  REPEATED: [() => 'bị lặp lại', () => 'is given twice'],
  INVALID_ID: [() => 'không phải mã hợp lệ', () => 'is not a valid id'],
  BAD_FORMAT: [(p) => `sai định dạng${p.example ? `, ví dụ ${p.example}` : ''}`, (p) => `is not in the expected form${p.example ? `, e.g. ${p.example}` : ''}`],
  BAD_DATE: [() => 'ngày phải viết dạng NNNN-TT-NN, ví dụ 2025-07-01', () => 'dates are written YYYY-MM-DD, e.g. 2025-07-01'],
  BAD_TIME: [() => 'thời gian phải viết dạng 2026-12-05T08:00', () => 'times are written 2026-12-05T08:00'],
  NOT_A_REAL_TIME: [() => 'không có ngày giờ này (ví dụ 31/02 hay 25:00)', () => 'no such date and time (e.g. 31 February or 25:00)'],
  NOT_AN_EMAIL: [() => 'không phải địa chỉ e-mail (ví dụ ten@example.vn)', () => 'is not an e-mail address (e.g. ten@example.vn)'],
  NOT_A_PHONE: [() => 'không phải số điện thoại Việt Nam (ví dụ 0905 123 456)', () => 'is not a Vietnamese phone number (e.g. 0905 123 456)'],
  NOT_A_CURSOR: [() => 'trang không hợp lệ: tải lại danh sách', () => 'invalid page: reload the list'],
  FROM_AFTER_TO: [() => 'ngày bắt đầu sau ngày kết thúc', () => 'the start is after the end'],
  RANGE_TOO_LONG: [(p, l) => `khoảng thời gian dài quá ${n(p.max, l)} ngày`, (p, l) => `the range is longer than ${n(p.max, l)} days`],
  TOO_MANY_PERIODS: [() => 'quá nhiều kỳ: hãy thu hẹp khoảng thời gian hoặc cấp', () => 'too many periods: narrow the range or the level'],
  IN_THE_FUTURE: [() => 'ở tương lai', () => 'is in the future'],
  NOT_IN_THE_FUTURE: [() => 'phải ở tương lai', () => 'must be in the future'],
  TOO_EARLY: [(p) => `trước ngày ${day(p.date)}`, (p) => `is before ${day(p.date)}`],
  HOLDS_ID_NUMBER: [
    () => 'có vẻ chứa số căn cước/CMND: không ghi số định danh cá nhân vào đây',
    () => 'seems to hold an ID card number: do not write personal identifiers here',
  ],
  HOLDS_PHONE_NUMBER: [
    () => 'có vẻ chứa số điện thoại: không ghi số định danh cá nhân vào đây',
    () => 'seems to hold a phone number: do not write personal identifiers here',
  ],
  WRONG_CREDENTIALS: [() => 'Sai e-mail hoặc mật khẩu.', () => 'Wrong e-mail or password.'],
  WRONG_CURRENT_PASSWORD: [() => 'không đúng mật khẩu hiện tại', () => 'is not your current password'],
  PASSWORD_TOO_COMMON: [() => 'quá phổ biến, dễ đoán', () => 'is too common, easy to guess'],
  PASSWORD_ONE_CHARACTER: [() => 'không được chỉ lặp một ký tự', () => 'must not be one repeated character'],
  PASSWORD_HOLDS_EMAIL: [() => 'không được chứa địa chỉ e-mail của bạn', () => 'must not contain your e-mail address'],
  BAD_LINK_TOKEN: [() => 'liên kết không hợp lệ, đã hết hạn hoặc đã dùng', () => 'the link is invalid, expired or already used'],
  EMAIL_TAKEN: [() => 'địa chỉ này đã có tài khoản', () => 'this address already has an account'],
  MEMBER_HAS_ACCOUNT: [() => 'thành viên này đã có tài khoản', () => 'this member already has an account'],
  INVITATION_NOT_ACCEPTED: [() => 'lời mời chưa được nhận', () => 'the invitation has not been accepted yet'],
  OWN_ADMIN_GRANT: [() => 'không thể tự thu hồi quyền quản trị của mình', () => 'you cannot revoke your own administrator role'],
  OWN_ACCOUNT: [() => 'không thể đổi trạng thái tài khoản của chính mình', () => 'you cannot change the status of your own account'],
  GRANT_NEEDS_UNIT: [() => 'vai trò này cần chọn đơn vị', () => 'this role needs a unit'],
  GRANT_NEEDS_GROUP: [() => 'vai trò này cần chọn tổ', () => 'this role needs a group'],
  ADMIN_GRANT_EVERYWHERE: [() => 'quản trị áp dụng mọi nơi: không chọn đơn vị hay tổ', () => 'administrators apply everywhere: choose no unit or group'],
  UNIT_NOT_IN_FORCE: [
    (p) =>
      `${p.name ?? (p.code ? `đơn vị mã ${p.code}` : 'đơn vị')} ${p.day ? `không có hiệu lực ngày ${day(p.day)}` : 'không còn hiệu lực'}${validity(p, 'vi')}`,
    (p) => `${p.name ?? (p.code ? `unit ${p.code}` : 'the unit')} ${p.day ? `is not in force on ${day(p.day)}` : 'is not in force'}${validity(p, 'en')}`,
  ],
  UNIT_WRONG_KIND: [() => 'không đúng loại đơn vị', () => 'is not the right kind of unit'],
  OUTSIDE_GROUP_AREA: [() => 'ngoài địa bàn của tổ', () => "is outside the group's area"],
  OUTSIDE_GROUP_COMMUNE: [() => 'phải thuộc xã/phường nơi tổ hoạt động', () => 'must lie in the commune the group works in'],
  TOO_MANY_CELLS: [() => 'quá nhiều số liệu: hãy thu hẹp khoảng thời gian hoặc cấp', () => 'too many figures: narrow the range or the level'],
  GROUP_DISSOLVED: [() => 'tổ đã giải thể', () => 'the group is dissolved'],
  GROUP_NOT_ACTIVE: [() => 'tổ không còn hoạt động', () => 'the group is not active'],
  MEMBER_LEFT: [
    (p) => (p.on ? `thành viên đã rời tổ ngày ${day(p.on)}` : 'thành viên đã rời tổ'),
    (p) => (p.on ? `the member left on ${day(p.on)}` : 'the member has left'),
  ],
  MEMBER_INACTIVE: [() => 'thành viên không còn hoạt động', () => 'the member is no longer active'],
  NOT_A_GROUP_MEMBER: [
    (p) => (p.on ? `không là thành viên của tổ vào ngày ${day(p.on)}` : 'không là thành viên của tổ'),
    (p) => (p.on ? `was not a member of the group on ${day(p.on)}` : 'is not a member of the group'),
  ],
  PHONE_TAKEN: [() => 'số điện thoại này thuộc một thành viên khác đang hoạt động', () => 'this phone number belongs to another active member'],
  PHONE_IN_YOUR_AREA: [
    (p) => `số điện thoại này thuộc một thành viên trong địa bàn của bạn${p.name ? ` (${p.name})` : ''}`,
    (p) => `this phone number belongs to a member in your area${p.name ? ` (${p.name})` : ''}`,
  ],
  BEFORE_JOINED: [(p) => `trước ngày thành viên tham gia (${day(p.date)})`, (p) => `is before the member joined (${day(p.date)})`],
  BEFORE_MEMBERSHIP: [(p) => `trước ngày bắt đầu ở tổ hiện tại (${day(p.date)})`, (p) => `is before the current membership began (${day(p.date)})`],
  CSV_MISSING_COLUMNS: [(p) => `thiếu cột: ${list(p.columns)}`, (p) => `missing column(s): ${list(p.columns)}`],
  CSV_TOO_LARGE: [(p) => `tệp lớn quá ${p.max}`, (p) => `the file is larger than ${p.max}`],
  CSV_UNREADABLE: [() => 'không đọc được tệp CSV', () => 'the CSV file cannot be read'],
  SESSION_STARTED: [() => 'buổi học đã bắt đầu', () => 'the session has already started'],
  SESSION_NOT_STARTED: [(p) => `buổi học chưa bắt đầu (${time(p.startsAt)})`, (p) => `the session has not started yet (${time(p.startsAt)})`],
  SESSION_CANCELLED: [() => 'buổi học đã bị huỷ', () => 'the session was cancelled'],
  SESSION_NOT_PLANNED: [() => 'buổi học không còn ở trạng thái đã lên lịch', () => 'the session is no longer planned'],
  ENDS_BEFORE_START: [() => 'giờ kết thúc phải sau giờ bắt đầu', () => 'must end after it starts'],
  SESSION_TOO_LONG: [(p, l) => `buổi học dài quá ${n(p.hours, l)} giờ`, (p, l) => `a session lasts at most ${n(p.hours, l)} hours`],
  BOTH_COORDINATES: [() => 'nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai', () => 'give both latitude and longitude, or neither'],
  NOT_A_SESSION_TOPIC: [() => 'không phải chủ đề của buổi này', () => 'is not a topic of this session'],
  MORE_THAN_PARTICIPANTS: [(p, l) => `không được nhiều hơn ${n(p.total, l)} người tham dự`, (p, l) => `cannot be more than the ${n(p.total, l)} participants`],
  TOTAL_BELOW_COUNTED: [
    (p, l) => `tổng số phải ít nhất bằng ${n(p.sum, l)} người đã đếm theo giới tính và độ tuổi`,
    (p, l) => `the total must be at least the ${n(p.sum, l)} counted by gender and age`,
  ],
  DOUBLE_BOOKED: [
    (p) => `Người này đã được phân công vào một buổi khác trùng giờ${p.title ? `: ${p.title}` : ''}${p.startsAt ? ` (${time(p.startsAt, p.endsAt)})` : ''}.`,
    (p) =>
      `This person is already assigned to another session at that time${p.title ? `: ${p.title}` : ''}${p.startsAt ? ` (${time(p.startsAt, p.endsAt)})` : ''}.`,
  ],
  TRAINER_SLOTS_FULL: [(p, l) => `Đã đủ ${n(p.slots, l)} giảng viên cho buổi này.`, (p, l) => `The session already has its ${n(p.slots, l)} trainer(s).`],
  TOO_MANY_TRAINERS: [() => 'đã phân công nhiều giảng viên hơn số này', () => 'more trainers are already assigned'],
  ALREADY_ASSIGNED: [() => 'thành viên đã được phân công vào buổi này', () => 'the member is already assigned to this session'],
  ALREADY_DECLINED: [() => 'thành viên đã từ chối phân công này', () => 'the member already declined this assignment'],
  ASSIGNMENT_CLOSED: [() => 'phân công này đã kết thúc', () => 'this assignment is closed'],
  REASON_NEEDED: [
    (p, l) => `hãy nêu lý do (${n(p.min ?? 3, l)}–${n(p.max ?? 500, l)} ký tự)`,
    (p, l) => `say why (${n(p.min ?? 3, l)}–${n(p.max ?? 500, l)} characters)`,
  ],
  HOUSEHOLD_AGAIN: [
    () => 'nơi ở mới là nơi khác: nhập lại hộ (mã hộ, hoặc địa chỉ và tên chủ hộ)',
    () => 'the new place is another one: give the household again (its code, or address and head)',
  ],
  HOUSEHOLD_INCOMPLETE: [() => 'nhập mã hộ, hoặc địa chỉ và tên chủ hộ', () => 'give the household code, or its address and the name of its head'],
  FOLLOW_UP_NEEDS_REASON: [() => 'cần chọn lý do quay lại', () => 'a follow-up needs a reason'],
  REASON_ONLY_FOR_FOLLOW_UP: [() => 'chỉ chọn lý do khi cần quay lại', () => 'a reason is only for follow-ups'],
  ENTRY_VOIDED: [() => 'phiếu đã bị huỷ', () => 'the entry is voided'],
  NOT_FOUND: [() => 'Không tìm thấy mục này (có thể đã bị xoá).', () => 'Not found (it may have been removed).'],
  FORBIDDEN: [() => 'Bạn không có quyền với mục này.', () => 'You do not have access to this.'],
  CONFLICT: [() => 'Không thực hiện được vì xung đột với dữ liệu hiện có.', () => 'Not possible: it conflicts with existing data.'],
  RATE_LIMITED: [() => 'Quá nhiều lần thử. Hãy đợi rồi thử lại.', () => 'Too many attempts. Wait and retry.'],
  UNAVAILABLE: [() => 'Hệ thống đang tạm gián đoạn. Hãy thử lại sau ít phút.', () => 'The service is briefly unavailable. Retry in a few minutes.'],
  UNAUTHENTICATED: [() => 'Phiên đăng nhập đã hết. Hãy đăng nhập lại.', () => 'Your session has ended. Sign in again.'],
  INVALID: [() => 'chưa hợp lệ', () => 'is not valid'],
  TOO_MANY_ALIASES: [() => 'Yêu cầu quá lớn. Hãy thu hẹp bộ lọc.', () => 'The request is too large. Narrow the filters.'],
  TOO_MANY_SELECTIONS: [() => 'Yêu cầu quá lớn. Hãy thu hẹp bộ lọc.', () => 'The request is too large. Narrow the filters.'],
  REQUEST_TOO_LARGE: [() => 'Dữ liệu gửi lên quá lớn.', () => 'What was sent is too large.'],
  MALFORMED_JSON: [() => 'Dữ liệu gửi lên bị hỏng. Hãy thử lại.', () => 'What was sent is damaged. Retry.'],
  MALFORMED_URI: [() => 'Địa chỉ yêu cầu bị hỏng.', () => 'The address of the request is damaged.'],
  // sessions: added for issue 20
  ASSIGNED_MEMBER_BUSY: [
    (p) =>
      `${p.name ?? 'Một người được phân công'} đã có buổi khác trùng với giờ mới${p.title ? `: ${p.title}` : ''}${p.startsAt ? ` (${time(p.startsAt, p.endsAt)})` : ''}. Hãy rút phân công người này trước khi dời lịch.`,
    (p) =>
      `${p.name ?? 'An assigned member'} has another session at the new time${p.title ? `: ${p.title}` : ''}${p.startsAt ? ` (${time(p.startsAt, p.endsAt)})` : ''}. Withdraw them before moving the session.`,
  ],
  // accounts, geography and rollups: added for issue 20
  ACCESS_TOKEN_EXPIRED: [() => 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.', () => 'Your sign-in has expired. Sign in again.'],
  SESSION_ENDED: [() => 'Phiên đăng nhập đã kết thúc. Hãy đăng nhập lại.', () => 'Your session has ended. Sign in again.'],
  REFRESH_TOKEN_REUSED: [
    () => 'Phiên đăng nhập đã được kết thúc để bảo đảm an toàn. Hãy đăng nhập lại.',
    () => 'Your session was ended for safety. Sign in again.',
  ],
  UNKNOWN_REFRESH_TOKEN: [() => 'Phiên đăng nhập không còn hợp lệ. Hãy đăng nhập lại.', () => 'Your session is no longer valid. Sign in again.'],
  TOO_MANY_SIGN_IN_FAILURES: [
    (p, l) => `Đăng nhập sai quá nhiều lần với tài khoản này. Hãy thử lại sau ${n(p.seconds ?? 60, l)} giây.`,
    (p, l) => `Too many failed sign-ins for this account. Try again in ${n(p.seconds ?? 60, l)} seconds.`,
  ],
  TOO_MANY_SIGN_IN_ATTEMPTS: [
    (p, l) => `Có quá nhiều lần đăng nhập từ địa chỉ mạng này. Hãy thử lại sau ${n(p.seconds ?? 60, l)} giây.`,
    (p, l) => `Too many sign-in attempts from this network address. Try again in ${n(p.seconds ?? 60, l)} seconds.`,
  ],
  TOO_MANY_REQUESTS: [
    (p, l) => `Bạn gửi quá nhiều yêu cầu. Hãy thử lại sau ${n(p.seconds ?? 60, l)} giây.`,
    (p, l) => `Too many requests. Try again in ${n(p.seconds ?? 60, l)} seconds.`,
  ],
  INVITED_BY_SOMEONE_ELSE: [
    () => 'địa chỉ này đang có lời mời do người khác gửi, với vai trò bạn không quản lý: hãy nhờ người đã mời hoặc Sở gửi lại',
    () => 'this address has a pending invitation from someone else, with roles you do not manage: ask them or the department to send it again',
  ],
  MEMBER_NOT_IN_SCOPE: [() => 'không có thành viên đang hoạt động nào thuộc địa bàn của bạn với mã này', () => 'no active member in your area has this id'],
  BAD_DATE_OR_TIME: [
    () => 'phải là ngày (NNNN-TT-NN) hoặc ngày giờ, ví dụ 2026-12-05T08:00:00+07:00',
    () => 'must be a date (YYYY-MM-DD) or a date and time, e.g. 2026-12-05T08:00:00+07:00',
  ],
  BAD_UNIT_CODE: [
    () => 'mã đơn vị gồm 1 đến 30 ký tự: chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới',
    () => 'a unit code is 1 to 30 letters, digits, dots, dashes or underscores',
  ],
  CODE_USED_IN_FILE: [
    (p) => `mã ${p.code ?? ''} đã dùng ở dòng ${p.line ?? '?'} trong khoảng thời gian trùng nhau`,
    (p) => `code ${p.code ?? ''} is already used on line ${p.line ?? '?'} in an overlapping period`,
  ],
  CODE_USED_BY_UNIT: [
    (p) => `mã ${p.code ?? ''} đã được dùng cho "${p.name ?? ''}" (${p.from ? day(p.from) : 'từ đầu'} – ${p.to ? day(p.to) : 'nay'})`,
    (p) => `code ${p.code ?? ''} is already used by "${p.name ?? ''}" (${p.from ? day(p.from) : 'the start'} – ${p.to ? day(p.to) : 'now'})`,
  ],
  UNKNOWN_PARENT: [
    (p) => `không có đơn vị cấp trên mã ${p.code ?? ''} còn hiệu lực suốt ${p.from ? day(p.from) : 'từ đầu'} – ${p.to ? day(p.to) : 'nay'}`,
    (p) => `no parent unit ${p.code ?? ''} is in force throughout ${p.from ? day(p.from) : 'the start'} – ${p.to ? day(p.to) : 'now'}`,
  ],
  PARENT_CYCLE: [(p) => `vòng lặp: đơn vị ${p.code ?? ''} lại là cấp trên của chính nó`, (p) => `cycle: unit ${p.code ?? ''} is its own ancestor`],
  PARENT_ROW_FAILED: [(p) => `đơn vị cấp trên (dòng ${p.line ?? '?'}) có lỗi`, (p) => `its parent (line ${p.line ?? '?'}) has errors`],
  PARENT_CHANGED: [
    (p) => `đơn vị ${p.code ?? ''} từ ${p.from ? day(p.from) : 'đầu'} đã có cấp trên khác: đổi cấp trên là một lần sắp xếp lại (phiên bản mới)`,
    (p) => `unit ${p.code ?? ''} from ${p.from ? day(p.from) : 'the start'} has another parent: a change of parent is a reorganisation (a new version)`,
  ],
  UNIT_NAME_DIFFERS: [
    (p) => `ngày ${day(p.day)}, đơn vị ${p.code ?? ''} có tên "${p.name ?? ''}"`,
    (p) => `on ${day(p.day)}, unit ${p.code ?? ''} is named "${p.name ?? ''}"`,
  ],
  NOT_A_FRACTION: [() => 'phải là số lớn hơn 0 và không quá 1', () => 'must be a number greater than 0 and at most 1'],
  // assists and directory: added for issue 20
  CSV_NOT_UTF_8: [() => 'tệp không phải văn bản UTF-8: hãy lưu lại dạng "CSV UTF-8"', () => 'the file is not UTF-8 text: save it as "CSV UTF-8"'],
  CSV_EMPTY: [() => 'tệp trống', () => 'the file is empty'],
  CSV_TOO_MANY_ROWS: [
    (p, l) => `tệp có ${n(p.rows, l)} dòng, mỗi lần chỉ nhập được tối đa ${n(p.max, l)} dòng`,
    (p, l) => `the file has ${n(p.rows, l)} rows; at most ${n(p.max, l)} are accepted per import`,
  ],
  CSV_BAD_DATE: [() => 'ngày phải viết dạng ngày/tháng/năm (15/03/2025) hoặc 2025-03-15', () => 'dates are written day/month/year (15/03/2025) or 2025-03-15'],
  CSV_SAME_AS_LINE: [(p, l) => `trùng với dòng ${n(p.line, l)}`, (p, l) => `is the same as on line ${n(p.line, l)}`],
  CSV_NOT_ONE_OF: [
    (p) => `phải là một trong: ${list(p.words ?? p.allowed)}`,
    (p) => `must be one of ${list(p.allowed)}${p.words ? ` (${list(p.words)})` : ''}`,
  ],
  CSV_GROUP_STATUS: [
    () => 'phải là Hoạt động hoặc Tạm dừng (giải thể tổ thì làm trong ứng dụng, kèm ngày giải thể)',
    () => 'must be active or suspended (dissolve a group in the app, with its date)',
  ],
  CSV_SCIENTIFIC_NOTATION: [
    () => 'bảng tính đã rút gọn số (dạng 9,05E+08): định dạng cột là Văn bản (Text) rồi nhập lại số',
    () => 'the spreadsheet shortened the number (scientific notation): format the column as Text and enter the numbers again',
  ],
  OUTSIDE_YOUR_AREA: [() => 'ngoài địa bàn bạn quản lý', () => 'is outside the area you manage'],
  GROUP_NOT_IN_UNIT: [
    (p) => `đơn vị ${p.unitCode} không có tổ "${p.name}": hãy nhập danh sách tổ trước`,
    (p) => `no group "${p.name}" serves unit ${p.unitCode}: import the groups first`,
  ],
  GROUP_NAME_TAKEN: [() => 'đơn vị này đã có tổ cùng tên', () => 'a group with this name already serves this unit'],
  PHONE_UNAVAILABLE: [
    () => 'không đăng ký được số điện thoại này ở đây; nếu người này chuyển đến từ địa bàn khác, hãy đề nghị Sở chuyển sang',
    () => 'this phone number cannot be registered here; if the person moved from another area, ask the department to move them',
  ],
  UNKNOWN_SKILLS: [(p) => `kỹ năng không có trong danh mục: ${list(p.skills)}`, (p) => `unknown skill(s): ${list(p.skills)}`],
  NOT_A_UNIT: [() => 'không phải đơn vị hành chính', () => 'is not an administrative unit'],
  NOT_A_GROUP: [() => 'không tìm thấy tổ', () => 'is not a group'],
  NOT_A_GROUP_SESSION: [() => 'không phải buổi học của tổ', () => 'is not a session of the group'],
  AFTER_GROUP_DISSOLVED: [(p) => `sau ngày tổ giải thể (${day(p.date)})`, (p) => `is after the group was dissolved (${day(p.date)})`],
  CLIENT_ID_TAKEN: [() => 'mã phiếu đã được dùng cho phiếu của tổ khác', () => 'is already used by an entry of another group'],
  HOUSEHOLD_CODE_AND_ADDRESS: [
    () => 'chỉ nhập mã hộ, hoặc địa chỉ và tên chủ hộ, không nhập cả hai',
    () => 'give the household code, or the address and head of household, not both',
  ],
  ADDRESS_INCOMPLETE: [
    (p, l) => `cần có số nhà và tên đường hoặc thôn, tổ (tối đa ${n(p.max, l)} ký tự)`,
    (p, l) => `must hold the house number and street or hamlet (up to ${n(p.max, l)} characters)`,
  ],
  CONSENT_BY_MEMBER_ONLY: [
    () => 'chỉ chính thành viên, đăng nhập bằng tài khoản của mình, mới ghi được nguồn "Thành viên tự thực hiện"; hãy chọn cách thành viên đã báo',
    () => 'only the member, signed in to their own account, records a consent as "By the member"; choose how they told you',
  ],
};

/** The text of a reason in the language, or null when the console does not know the reason. */
export function reasonText(reason: string | undefined, params: ReasonParams | undefined, lang: 'vi' | 'en'): string | null {
  const texts = reason ? TEXTS[reason] : undefined;
  return texts ? texts[lang === 'vi' ? 0 : 1](params ?? {}, lang) : null;
}

/** Every reason the console has a text for (reasons.spec.ts compares them with the schema). */
export const KNOWN_REASONS = Object.keys(TEXTS);
