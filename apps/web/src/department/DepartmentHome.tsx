import { useState } from 'react';
import { useI18n } from '../lib/i18n';
import type { Me } from '../lib/me';
import { Tabs } from '../lib/ui';
import { Dashboard } from './Dashboard';
import { Targets } from './Targets';
import type { UnitChoice } from './UnitPicker';

type Tab = 'coverage' | 'targets';

/** The department's screen: the coverage dashboard (with progress against targets) and the targets (chỉ tiêu). */
export function DepartmentHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('coverage');
  const home = me.grants.find((g) => g.role === 'DEPARTMENT' && g.unit)?.unit?.code ?? null;
  const [unitCode, setUnitCode] = useState(home ?? '');
  const unit: UnitChoice = { home, unitCode, setUnitCode };
  return (
    <div className="stack">
      <Tabs<Tab>
        current={tab}
        onChange={setTab}
        tabs={[
          { key: 'coverage', label: t('targets.tabCoverage') },
          { key: 'targets', label: t('targets.tabTargets') },
        ]}
      />
      {tab === 'coverage' ? <Dashboard unit={unit} /> : <Targets unit={unit} />}
    </div>
  );
}
