import { useState } from 'react';
import { gql } from '../lib/api';
import { useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';

const CHANNELS = ['ZALO_ZNS', 'SMS', 'EMAIL'] as const;
/** How the member told the officer; MEMBER (their own act) is only recorded from the member's own account or link. */
const SOURCES = ['PAPER_FORM', 'IN_PERSON', 'PHONE_CALL'] as const;
type Channel = (typeof CHANNELS)[number];

interface Consent {
  channel: Channel;
  granted: boolean;
  source: string;
  recordedByLabel: string;
  recordedVia: 'OFFICER' | 'MEMBER_ACCOUNT' | 'SIGNED_LINK';
  recordedAt: string;
}
interface MemberNoticesData {
  memberNotices: {
    preferredChannel: Channel | null;
    channels: { channel: Channel; granted: boolean; since: Consent | null }[];
    history: Consent[];
    unconfirmedNotices: number;
  };
}

const FIELDS =
  'preferredChannel unconfirmedNotices channels { channel granted since { channel granted source recordedByLabel recordedVia recordedAt } } history { channel granted source recordedByLabel recordedVia recordedAt }';
const QUERY = `query($m: UUID!) { memberNotices(memberId: $m) { ${FIELDS} } }`;
const RECORD = `mutation($input: RecordNoticeConsentInput!) { recordNoticeConsent(input: $input) { preferredChannel } }`;
const PREFER = `mutation($m: UUID!, $c: NoticeChannel) { setPreferredNoticeChannel(memberId: $m, channel: $c) { preferredChannel } }`;

/**
 * One member's notices: the channel tried first, the consent to each channel (Decree 13/2023: recorded with how it
 * was given and by whom, withdrawable, the history kept) and the history. No ZNS or SMS goes out without consent.
 */
export function MemberNotices({ memberId, name, onClose }: { memberId: string; name: string; onClose(): void }) {
  const { t, tx, language } = useI18n();
  const notices = useQuery<MemberNoticesData>(QUERY, { m: memberId });
  const [source, setSource] = useState<(typeof SOURCES)[number]>('PAPER_FORM');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const when = (iso: string) =>
    new Intl.DateTimeFormat(language === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(
      new Date(iso),
    );
  const run = async (query: string, variables: Record<string, unknown>, message: string) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await gql(query, variables);
      setSaved(message);
      notices.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** Who recorded it: the officer's account, or (translated) the member themselves by account or signed link. */
  const by = (c: Consent) => (c.recordedVia === 'OFFICER' ? c.recordedByLabel : tx(`recordedVia.${c.recordedVia}`));
  const data = notices.data?.memberNotices;
  return (
    <section className="card stack" aria-label={t('notices.title', { name })}>
      <div className="row wrap">
        <h4>{t('notices.title', { name })}</h4>
        <button type="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ErrorBox error={notices.error} onRetry={notices.reload} />
      {saved && <Notice>{saved}</Notice>}
      <ErrorBox error={error} />
      {data && (
        <>
          {data.unconfirmedNotices > 0 && <Notice>{t('notices.unconfirmed', { count: String(data.unconfirmedNotices) })}</Notice>}
          <label>
            {t('notices.preferred')}
            <select
              value={data.preferredChannel ?? ''}
              disabled={busy}
              onChange={(e) => void run(PREFER, { m: memberId, c: e.target.value || null }, t('dir.added'))}
            >
              <option value="">{t('notices.defaultOrder')}</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {tx(`channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('notices.source')}
            <select value={source} onChange={(e) => setSource(e.target.value as (typeof SOURCES)[number])}>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {tx(`consentSource.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <table className="data">
            <thead>
              <tr>
                <th>{t('notices.channel')}</th>
                <th>{t('notices.consent')}</th>
                <th>{t('notices.since')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {CHANNELS.map((channel) => {
                const c = data.channels.find((x) => x.channel === channel);
                const granted = c?.granted ?? false;
                return (
                  <tr key={channel} data-channel={channel}>
                    <td>{tx(`channel.${channel}`)}</td>
                    <td>{granted ? t('notices.granted') : c?.since ? t('notices.withdrawn') : t('notices.notGiven')}</td>
                    <td className="muted">
                      {c?.since
                        ? `${when(c.since.recordedAt)} · ${tx(`consentSource.${c.since.source}`)} · ${by(c.since)}`
                        : channel === 'EMAIL'
                          ? t('notices.emailDefault')
                          : '–'}
                    </td>
                    <td>
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() =>
                          void run(
                            RECORD,
                            { input: { memberId, channel, granted: !granted, source } },
                            granted ? t('notices.withdrawnSaved') : t('notices.grantedSaved'),
                          )
                        }
                      >
                        {granted ? t('notices.withdraw') : t('notices.grant')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h5>{t('notices.history')}</h5>
          {data.history.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ul aria-label={t('notices.history')}>
              {data.history.map((h, i) => (
                <li key={i}>
                  {when(h.recordedAt)}: {tx(`channel.${h.channel}`)} – {h.granted ? t('notices.granted') : t('notices.withdrawn')} (
                  {tx(`consentSource.${h.source}`)}, {by(h)})
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
