/**
 * The list table every view uses (alerts, docks, drones, missions, people…): a header row from catalog
 * keys, one row per item. Rows carry their own data attributes so tests and styles find them.
 */
import type { ComponentChildren, HTMLAttributes } from 'preact';
import { t, type MessageKey } from '../i18n/index.js';

export interface Column<T> {
  head: MessageKey;
  cell: (row: T) => ComponentChildren;
}

export interface TableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Extra attributes per row: `data-*`, a class, a click handler. */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  testid?: string;
}

export function Table<T>({ rows, columns, rowKey, rowProps, testid }: TableProps<T>) {
  return (
    <table class="list" data-testid={testid}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.head}>{t(c.head)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={rowKey(r)} {...(rowProps?.(r) ?? {})}>
            {columns.map((c) => (
              <td key={c.head}>{c.cell(r)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
