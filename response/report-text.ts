/**
 * The daily report page's words in the city's two languages (kernel/i18n.ts catalog): headings, column
 * names, task states and alert kinds. The page is printed in the reader's language (Accept-Language).
 */
import { defineCatalog, translate, type Lang } from '../kernel/i18n.js';
import type { ALERT_KINDS, TASK_STATES } from './types.js';

type Word =
  | 'title' | 'heading' | 'city' | 'byUnit' | 'byDistrict' | 'byKind' | 'tasks' | 'total' | 'minutes'
  | 'col.tasks' | 'col.verified' | 'col.rate' | 'col.overdue' | 'col.dispatch' | 'col.accept' | 'col.arrive' | 'col.resolve'
  | 'col.level' | 'col.kind' | 'col.unit' | 'col.task' | 'col.state' | 'col.created' | 'col.verifiedAt'
  | `state.${(typeof TASK_STATES)[number]}` | `kind.${(typeof ALERT_KINDS)[number]}`;

const REPORT = defineCatalog<Word>({
  en: {
    title: 'Response report {day}', heading: 'Emergency response — daily report {day} (Asia/Shanghai, UTC+8)',
    city: 'Whole city', byUnit: 'By unit', byDistrict: 'By district', byKind: 'By kind', tasks: 'Tasks', total: 'total', minutes: '{n} min',
    'col.tasks': 'tasks', 'col.verified': 'verified', 'col.rate': 'disposal rate', 'col.overdue': 'overdue',
    'col.dispatch': 'dispatch (median)', 'col.accept': 'accept (median)', 'col.arrive': 'arrive (median)', 'col.resolve': 'resolve (median)',
    'col.level': 'level', 'col.kind': 'kind', 'col.unit': 'unit', 'col.task': 'task', 'col.state': 'state', 'col.created': 'created', 'col.verifiedAt': 'verified',
    'state.dispatched': 'dispatched', 'state.accepted': 'accepted', 'state.declined': 'declined', 'state.en_route': 'en route', 'state.on_site': 'on site',
    'state.done': 'done', 'state.verified': 'verified', 'state.cancelled': 'cancelled', 'state.reassigned': 'reassigned',
    'kind.gas': 'gas', 'kind.water': 'water supply', 'kind.heat': 'heating', 'kind.drainage': 'drainage', 'kind.elevator': 'elevator', 'kind.bridge': 'bridge',
  },
  'zh-CN': {
    title: '应急响应日报 {day}', heading: '应急响应日报 {day}（北京时间，UTC+8）',
    city: '全市', byUnit: '按单位', byDistrict: '按区', byKind: '按类型', tasks: '任务清单', total: '合计', minutes: '{n} 分钟',
    'col.tasks': '任务数', 'col.verified': '已核实', 'col.rate': '处置率', 'col.overdue': '超时',
    'col.dispatch': '派发用时（中位数）', 'col.accept': '接受用时（中位数）', 'col.arrive': '到场用时（中位数）', 'col.resolve': '办结用时（中位数）',
    'col.level': '级别', 'col.kind': '类型', 'col.unit': '单位', 'col.task': '任务', 'col.state': '状态', 'col.created': '派发时间', 'col.verifiedAt': '核实时间',
    'state.dispatched': '新派发', 'state.accepted': '已接受', 'state.declined': '已拒绝', 'state.en_route': '在途', 'state.on_site': '已到场',
    'state.done': '已完成', 'state.verified': '已核实', 'state.cancelled': '已取消', 'state.reassigned': '已改派',
    'kind.gas': '燃气', 'kind.water': '供水', 'kind.heat': '供热', 'kind.drainage': '排水', 'kind.elevator': '电梯', 'kind.bridge': '桥梁',
  },
});

/** The page's words in one language; a state or kind the catalog does not know is printed as stored. */
export function reportWords(lang: Lang) {
  const w = (key: Word, params: Record<string, string | number> = {}): string => translate(REPORT, lang, key, params);
  const known = (key: string): key is Word => key in REPORT.en;
  return {
    w,
    state: (s: string) => (known(`state.${s}`) ? w(`state.${s}` as Word) : s),
    kind: (k: string) => (known(`kind.${k}`) ? w(`kind.${k}` as Word) : k),
  };
}
