/**
 * The ten category colours of the charts the reports and tools draw (d3's category10), so that a series
 * keeps its colour from one chart to the next.
 */
export const CATEGORY_COLORS: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];
