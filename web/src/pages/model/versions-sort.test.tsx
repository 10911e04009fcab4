import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SORT,
  metricColumns,
  nextSort,
  parseSort,
  toVersionOrder,
  writeSort,
  type VersionSort,
} from './versions-sort';
import { ROWS_MARK, VersionsTable, type VersionsTableRow } from './VersionsTable';

describe('version sorting', () => {
  it('reads and writes the sort in the URL, ignoring what it does not know', () => {
    const sort: VersionSort = { by: 'metric', metric: 'f1 score', direction: 'ASC' };
    const params = writeSort(new URLSearchParams('tag=cnn'), sort);
    expect(params.get('tag')).toBe('cnn');
    expect(parseSort(params)).toEqual(sort);
    expect(parseSort(new URLSearchParams('sort=bogus&dir=sideways'))).toEqual(DEFAULT_SORT);
    expect(parseSort(new URLSearchParams('sort=metric:'))).toEqual(DEFAULT_SORT);
    expect(parseSort(new URLSearchParams(`sort=metric:${'x'.repeat(200)}`))).toEqual(DEFAULT_SORT);
    expect(writeSort(new URLSearchParams('sort=number&dir=asc'), DEFAULT_SORT).toString()).toBe('');
  });

  it('flips the sorted column and starts another one descending', () => {
    const byAccuracy = nextSort(DEFAULT_SORT, 'metric:accuracy');
    expect(byAccuracy).toEqual({ by: 'metric', metric: 'accuracy', direction: 'DESC' });
    expect(nextSort(byAccuracy, 'metric:accuracy')).toEqual({ by: 'metric', metric: 'accuracy', direction: 'ASC' });
    expect(nextSort(byAccuracy, 'createdAt')).toEqual({ by: 'createdAt', direction: 'DESC' });
    expect(nextSort(DEFAULT_SORT, 'number')).toEqual({ by: 'number', direction: 'ASC' });
  });

  it('asks the API to sort (VersionOrder), so every page of the table is in one order', () => {
    expect(toVersionOrder({ by: 'metric', metric: 'loss', direction: 'ASC' })).toEqual({
      field: 'METRIC',
      metric: 'loss',
      direction: 'ASC',
    });
    expect(toVersionOrder({ by: 'createdAt', direction: 'DESC' })).toEqual({ field: 'CREATED_AT', direction: 'DESC' });
  });

  it('has a column per numeric metric, and one for the metric sorted by even when no row has it', () => {
    const rows = [{ metrics: { accuracy: 0.9, note: 'x' } }, { metrics: { loss: 0.1 } }];
    expect(metricColumns(rows, DEFAULT_SORT)).toEqual(['accuracy', 'loss']);
    expect(metricColumns(rows, { by: 'metric', metric: 'auc', direction: 'DESC' })).toEqual([
      'accuracy',
      'auc',
      'loss',
    ]);
  });
});

const row = (n: number, accuracy: number): VersionsTableRow => ({
  id: `id${n}`,
  name: `v${n}`,
  number: n,
  createdAt: new Date(2026, 0, n + 1).toISOString(),
  createdBy: { id: 'alice' },
  tags: [],
  aliases: n === 1 ? ['production'] : [],
  metrics: { accuracy },
});

function renderTable(rows: VersionsTableRow[], sort: VersionSort, onSort = vi.fn(), selected: string[] = []) {
  render(
    <MemoryRouter>
      <VersionsTable
        rows={rows}
        metrics={['accuracy']}
        sort={sort}
        onSort={onSort}
        selected={selected}
        onToggle={vi.fn()}
        versionHref={(name) => `/r/x/m/y/v/${name}`}
      />
    </MemoryRouter>,
  );
  return onSort;
}

describe('VersionsTable', () => {
  it('sorts from the column headers and says which column is sorted', () => {
    const onSort = renderTable([row(0, 0.8), row(1, 0.9)], { by: 'metric', metric: 'accuracy', direction: 'ASC' });
    const accuracy = screen.getByRole('columnheader', { name: /accuracy/ });
    expect(accuracy.getAttribute('aria-sort')).toBe('ascending');
    expect(screen.getByRole('columnheader', { name: /Version/ }).getAttribute('aria-sort')).toBe('none');
    fireEvent.click(within(accuracy).getByRole('button'));
    expect(onSort).toHaveBeenCalledWith('metric:accuracy');
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Created/ })).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith('createdAt');
  });

  it('links each row to its version and allows at most 4 versions to compare', () => {
    const rows = [0, 1, 2, 3, 4].map((n) => row(n, n / 10));
    renderTable(rows, DEFAULT_SORT, vi.fn(), ['v0', 'v1', 'v2', 'v3']);
    expect(screen.getByRole('link', { name: 'v4' }).getAttribute('href')).toBe('/r/x/m/y/v/v4');
    expect(screen.getByLabelText<HTMLInputElement>('Compare v4').disabled).toBe(true);
    expect(screen.getByLabelText<HTMLInputElement>('Compare v0').disabled).toBe(false);
  });

  it('marks the moment 50 rows are in the DOM, once (the e2e budget reads it)', () => {
    performance.clearMarks(ROWS_MARK);
    renderTable(
      Array.from({ length: 50 }, (_, n) => row(n, 0.5)),
      DEFAULT_SORT,
    );
    expect(performance.getEntriesByName(ROWS_MARK)).toHaveLength(1);
  });
});
