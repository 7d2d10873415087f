/** Everything a finished (or re-rendered) experiment writes: results.json, results.md, chart.html, the PNG. */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeSlo } from '@shop/load-generator';
import { chartHtml, renderPng } from './chart';
import { setEfficiency, type Results } from './results';
import { finalStepCpuTable, markdownTable } from './table';

/** Derived figures (efficiency), then the files; `png` renders the chart too. */
export function writeOutputs(results: Results, outDir: string, png: string | undefined): void {
  const { runs } = results;
  setEfficiency(runs);
  // Results measured before the settle SLO existed hold only the HTTP one, which is what judged them.
  const { steps } = results.settings;
  const markdown = markdownTable(runs, steps);
  const host = results.machine;
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(outDir, 'results.md'),
    `Highest ${results.scenario} rate per replica count of ${results.app} with ${describeSlo(steps)}:\n\n${markdown}\n`,
  );
  const chartFile = join(outDir, 'chart.html');
  writeFileSync(
    chartFile,
    chartHtml(runs, {
      app: results.app,
      slo: steps,
      scenario: `${results.scenario} scenario, steps of ${steps.by}/s x ${steps.durationMs / 1000} s`,
      machine:
        `${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}; load average ${host.loadAverageAtStart[0]} ` +
        `at start, ${results.loadAverageAtEnd[0]} at end (other work on the machine); measured ${results.measuredAt.slice(0, 16)}Z`,
    }),
  );
  if (png) renderPng(chartFile, png);

  process.stdout.write(
    `\n${markdown}\n\nCPU in the final step (% of one core, top 6 groups):\n${finalStepCpuTable(runs)}` +
      `\n\nwritten to ${relative(process.cwd(), outDir)}/{results.json,results.md,chart.html}\n`,
  );
}
