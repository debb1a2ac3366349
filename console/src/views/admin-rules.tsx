/**
 * Rules as data (`/api/v1/rules`, docs/rules.md): the list, one rule's common fields as a form with the
 * whole rule as JSON beside it, validation errors shown at their field (the API's JSON paths), and a
 * backtest over stored telemetry charted by hour and severity.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, get, post, request, seg } from '../api.js';
import { NoticeLine, SeverityBadge, type Notice } from '../components.js';
import { lang, t, type MessageKey } from '../i18n/index.js';
import { navigate } from '../router.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import { SEVERITIES, type Severity } from '../types.js';
import { BacktestChart } from './backtest-chart.js';
import { Table } from './table.js';

type Rule = Record<string, unknown> & { id: string; version: number; kind?: string; name?: string };
interface FieldError {
  path: string;
  message: string;
}

/** The form's fields: JSON path → label. Errors at any other path show under the JSON. */
const FIELDS: [string, MessageKey, 'text' | 'number' | 'direction' | 'bool'][] = [
  ['/name', 'rules.name', 'text'],
  ['/name_zh', 'rules.nameZh', 'text'],
  ['/enabled', 'rules.enabled', 'bool'],
  ['/metric', 'rules.metric', 'text'],
  ['/direction', 'rules.direction', 'direction'],
  ['/levels/blue', 'severity.blue', 'number'],
  ['/levels/yellow', 'severity.yellow', 'number'],
  ['/levels/orange', 'severity.orange', 'number'],
  ['/levels/red', 'severity.red', 'number'],
  ['/debounce/count', 'rules.debounce', 'number'],
];

function at(rule: Rule, path: string): unknown {
  return path.split('/').slice(1).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), rule);
}

function setAt(rule: Rule, path: string, value: unknown): Rule {
  const keys = path.split('/').slice(1);
  const copy = structuredClone(rule);
  let o = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

export function RuleEditor({ id }: { id: string | undefined }) {
  const [rules, setRules] = useState<Rule[]>([]);
  useEffect(() => {
    get<{ items: Rule[] }>('/api/v1/rules').then((r) => setRules(r.items), () => setRules([]));
  }, [id]);
  return (
    <section data-testid="admin-rules">
      {id ? <OneRule key={id} id={id} /> : null}
      <Table
        testid="rule-table"
        rows={rules}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ class: 'clickable', 'data-rule-id': r.id, onClick: () => navigate('admin', 'rules', r.id) })}
        columns={[
          { head: 'rules.id', cell: (r) => r.id },
          { head: 'rules.name', cell: (r) => (lang() === 'zh-CN' && typeof r['name_zh'] === 'string' ? r['name_zh'] : (r.name ?? '')) },
          { head: 'rules.kind', cell: (r) => kindName(r.kind) },
          { head: 'rules.version', cell: (r) => r.version },
          { head: 'rules.enabled', cell: (r) => t(r['enabled'] === false ? 'rules.off' : 'rules.on') },
        ]}
      />
    </section>
  );
}

function OneRule({ id }: { id: string }) {
  const me = useObservable(session);
  const write = can(me, 'rules:write');
  const [rule, setRule] = useState<Rule | null>(null);
  const [json, setJson] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const show = (r: Rule) => (setRule(r), setJson(JSON.stringify(strip(r), null, 2)));
  useEffect(() => {
    get<Rule>(`/api/v1/rules/${seg(id)}`).then(show, (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  }, [id]);
  if (!rule) return <NoticeLine notice={notice} />;
  const edit = (path: string, value: unknown) => show(setAt(rule, path, value));
  const onJson = (text: string) => {
    setJson(text);
    try {
      setRule({ ...(JSON.parse(text) as Rule), id: rule.id, version: rule.version });
      setErrors(errors.filter((e) => e.path !== '$json'));
    } catch (e) {
      setErrors([{ path: '$json', message: String((e as Error).message) }]);
    }
  };
  const save = async () => {
    const body = strip(rule);
    try {
      const v = await post<{ ok: boolean; errors?: FieldError[] }>('/api/v1/rules/validate', body);
      if (!v.ok) return (setErrors(v.errors ?? []), setNotice({ ok: false, text: t('rules.invalid', { n: v.errors?.length ?? 0 }) }));
      show(await request<Rule>('PUT', `/api/v1/rules/${seg(id)}`, body));
      setErrors([]);
      setNotice({ ok: true, text: t('rules.saved', { version: String(rule.version + 1) }) });
    } catch (e) {
      const details = e instanceof ApiError ? (e.details as { errors?: FieldError[] } | FieldError[] | undefined) : undefined;
      const list = Array.isArray(details) ? details : details?.errors;
      if (list) setErrors(list);
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  const known = new Set(FIELDS.map(([p]) => p));
  const other = errors.filter((e) => !known.has(e.path));
  return (
    <div class="dialog wide rule-editor" data-testid="rule-editor" data-rule-id={id} data-version={rule.version}>
      <h3>{rule.id} · v{rule.version} · {kindName(rule.kind)}</h3>
      <div class="form-grid">
        {FIELDS.filter(([p]) => at(rule, p) !== undefined || p.startsWith('/levels') || p === '/name' || p === '/name_zh').map(([path, label, type]) => (
          <Field key={path} path={path} label={label} type={type} value={at(rule, path)} error={errors.find((e) => e.path === path)?.message} disabled={!write} onChange={(v) => edit(path, v)} />
        ))}
      </div>
      <label class="json">
        {t('rules.json')}
        <textarea rows={10} value={json} disabled={!write} onInput={(e) => onJson(e.currentTarget.value)} data-testid="rule-json" />
      </label>
      {other.map((e) => <p key={e.path + e.message} class="error field-error" data-path={e.path}>{e.path === '$json' ? '' : `${e.path}: `}{e.message}</p>)}
      {write ? <div class="row"><button class="primary" onClick={() => void save()} data-testid="rule-save">{t('admin.save')}</button></div> : null}
      <NoticeLine notice={notice} testid="rule-notice" />
      {write ? <BacktestChart ruleId={rule.id} /> : null}
    </div>
  );
}

const KINDS = ['threshold', 'rate', 'deadman', 'event', 'correlation'];
const kindName = (k: string | undefined): string => (k && KINDS.includes(k) ? t(`rulekind.${k}` as MessageKey) : (k ?? ''));

/** The body the API takes: the rule without its server-assigned version and history. */
function strip(r: Rule): Record<string, unknown> {
  const { version: _v, history: _h, ...rest } = r;
  // Times the API adds to every record (`createdAt`, `updatedAt` and their ISO twins) are not rule data.
  return Object.fromEntries(Object.entries(rest).filter(([k]) => !/(At|Iso)$/.test(k)));
}

function Field(props: { path: string; label: MessageKey; type: 'text' | 'number' | 'direction' | 'bool'; value: unknown; error: string | undefined; disabled: boolean; onChange: (v: unknown) => void }) {
  const { path, label, type, value, error, disabled, onChange } = props;
  const sev = path.startsWith('/levels/') ? (path.slice(8) as Severity) : undefined;
  // What is typed stays until it is committed (change): a live update re-rendering the form must not undo it.
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  const input =
    type === 'bool' ? (
      <input type="checkbox" checked={value !== false} disabled={disabled} onChange={(e) => onChange(e.currentTarget.checked)} />
    ) : type === 'direction' ? (
      <select value={String(value ?? 'above')} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="above">{t('rules.above')}</option>
        <option value="below">{t('rules.below')}</option>
      </select>
    ) : (
      <input
        type="text"
        inputMode={type === 'number' ? 'decimal' : 'text'}
        value={text}
        disabled={disabled}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => setText(e.currentTarget.value)}
        onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : type === 'number' ? Number(e.currentTarget.value) : e.currentTarget.value)}
      />
    );
  return (
    <label class={error ? 'invalid' : ''} data-field={path}>
      {sev && SEVERITIES.includes(sev) ? <SeverityBadge severity={sev} /> : t(label)}
      {input}
      {error ? <span class="error field-error" data-testid="field-error">{error}</span> : null}
    </label>
  );
}
