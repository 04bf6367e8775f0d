import { useId, useMemo, useState, type KeyboardEvent } from 'react';
// The server's own folding (a pure module shared with the console): one rule for search everywhere.
import { foldVietnamese as fold } from '../../../../libs/text/src/vietnamese';
import { useI18n } from '../lib/i18n';

export interface Place {
  id: string;
  name: string;
  /** The former commune, for a residential group whose territory was under another commune before the 2025 reform. */
  formerCommune?: string | null;
}

/** "Tổ dân phố 1 – Thạch Thang": the former commune beside the name, since merged wards repeat the same names. */
export const placeLabel = (place: Place) => (place.formerCommune ? `${place.name} – ${place.formerCommune}` : place.name);

const SHOWN = 40;

/**
 * Where the household lives: a type-ahead over the group's places (diacritics optional: "to 1 thach" finds "Tổ dân
 * phố 1 – Thạch Thang"), as an ARIA combobox. The field shows the chosen place; typing filters the list.
 */
export function PlacePicker({ places, value, onChange }: { places: Place[]; value: string; onChange(id: string): void }) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState<string | null>(null); // null: not typing, the field shows the chosen place
  const [active, setActive] = useState(0);
  const chosen = places.find((p) => p.id === value);
  const matches = useMemo(() => {
    const words = fold(text ?? '')
      .split(' ')
      .filter(Boolean);
    // Each typed word starts a word of the label ("to 1 thach": "Tổ dân phố 1 – Thạch Thang", not "Tổ dân phố 21").
    return places.filter((p) => {
      const label = fold(placeLabel(p)).split(/[\s–-]+/);
      return words.every((w) => label.some((word) => word.startsWith(w)));
    });
  }, [places, text]);
  const open = text !== null;
  const choose = (place: Place) => {
    onChange(place.id);
    setText(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) setText('');
      setActive((a) => Math.max(0, Math.min(Math.min(matches.length, SHOWN) - 1, a + (event.key === 'ArrowDown' ? 1 : -1))));
    } else if (event.key === 'Enter' && open) {
      event.preventDefault();
      if (matches[active]) choose(matches[active]);
    } else if (event.key === 'Escape') setText(null);
  };
  return (
    <div className="combobox">
      <input
        name="place"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        placeholder={t('lead.placeSearch')}
        value={text ?? (chosen ? placeLabel(chosen) : '')}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onFocus={(e) => e.target.select()}
        onBlur={() => setText(null)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul id={listId} role="listbox" className="options">
          {matches.slice(0, SHOWN).map((p, i) => (
            <li
              key={p.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={p.id === value}
              className={i === active ? 'active' : undefined}
              // mousedown, not click: it comes before the field's blur closes the list
              onMouseDown={(e) => {
                e.preventDefault();
                choose(p);
              }}
            >
              {placeLabel(p)}
            </li>
          ))}
          {matches.length === 0 && <li className="muted">{t('lead.placeNone')}</li>}
          {matches.length > SHOWN && <li className="muted">{t('lead.placeMore', { n: matches.length - SHOWN })}</li>}
        </ul>
      )}
    </div>
  );
}
