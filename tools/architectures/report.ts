/** report.md: the comparison's tables, built from results.json (medians over rounds, ranges alongside). */
import { describeMachine } from '../../benchmarks/bench-kit';
import type { Architecture, CheckoutRun, FaultKind, FaultRun, Results } from './results';
import { ARCHITECTURE_ORDER, cpuMsAboveIdle, median, overRounds, round1, total } from './summary';

/** A Markdown table: a header row and the rows, each cell padded to its column's width. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const byArchitecture = <T extends { architecture: Architecture }>(runs: readonly T[]) =>
  ARCHITECTURE_ORDER.map((architecture) => ({
    architecture,
    runs: runs.filter((run) => run.architecture === architecture),
  })).filter((group) => group.runs.length > 0);

export function browseTable(results: Results): string {
  const slo = `p99 ≤ ${JSON.stringify(results.settings['sloP99Ms'] ?? '?')} ms`;
  return markdownTable(
    [
      'architecture',
      `browse: highest rate within the SLO (/s; ${slo}, < 1% errors)`,
      'p50 at that rate (ms)',
      'p99 at that rate (ms)',
      'CPU ms per browse at that rate',
    ],
    byArchitecture(results.browse).map(({ architecture, runs }) => [
      architecture,
      overRounds(
        runs.map((run) => run.maxRate),
        0,
      ),
      overRounds(runs.map((run) => run.p50AtMaxMs)),
      overRounds(runs.map((run) => run.p99AtMaxMs)),
      overRounds(
        runs.map((run) => run.steps.find((step) => step.rate === run.maxRate)?.cpuMsPerArrival ?? null),
      ),
    ]),
  );
}

export function checkoutTable(results: Results): string {
  const rates = [...new Set(results.checkout.map((run) => run.rate))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const rate of rates)
    for (const { architecture, runs } of byArchitecture(
      results.checkout.filter((run) => run.rate === rate),
    )) {
      const sum = (pick: (run: CheckoutRun) => number) => runs.reduce((acc, run) => acc + pick(run), 0);
      rows.push([
        `${rate}/s`,
        architecture,
        overRounds(runs.map((run) => run.p50Ms)),
        overRounds(runs.map((run) => run.p99Ms)),
        overRounds(
          runs.map((run) => run.settleP50Ms),
          0,
        ),
        overRounds(
          runs.map((run) => run.settleP99Ms),
          0,
        ),
        `${sum((run) => run.settled)} / ${sum((run) => run.accepted)}, ${sum((run) => run.timedOut)} timed out, ${sum((run) => run.errors)} errors`,
        overRounds(runs.map((run) => run.cpuMsPerCheckout)),
        overRounds(runs.map((run) => cpuMsAboveIdle(run, results.idle))),
        overRounds(
          runs.map((run) => run.resources.shopCpuPercent),
          0,
        ),
        overRounds(
          runs.map((run) => total(run.resources.rssMiB)),
          0,
        ),
        overRounds(
          runs.map((run) => run.resources.machineBusyPercent),
          0,
        ),
      ]);
    }
  return markdownTable(
    [
      'rate',
      'architecture',
      'POST p50 (ms)',
      'POST p99 (ms)',
      'settle p50 (ms)',
      'settle p99 (ms)',
      'settled / accepted',
      'CPU ms per checkout',
      'of which above idle',
      'shop CPU (% of a core)',
      'shop RSS, highest (MiB)',
      'machine busy (% of a core)',
    ],
    rows,
  );
}

export function memoryTable(results: Results): string {
  return markdownTable(
    [
      'architecture',
      'processes',
      'RSS at rest, all processes (MiB)',
      'per process (MiB, median)',
      'Postgres connections',
      'idle CPU (% of a core)',
    ],
    byArchitecture(results.idle).map(({ architecture, runs }) => {
      const names = [...new Set(runs.flatMap((run) => Object.keys(run.rssMiB)))].sort();
      return [
        architecture,
        String(names.length),
        overRounds(
          runs.map((run) => total(run.rssMiB)),
          0,
        ),
        names
          .map((name) => `${name} ${Math.round(median(runs.map((run) => run.rssMiB[name] ?? null)))}`)
          .join(', '),
        overRounds(
          runs.map((run) => run.postgresBackends),
          0,
        ),
        overRounds(runs.map((run) => run.cpuPercent)),
      ];
    }),
  );
}

const FAULT_NAMES: Record<FaultKind, string> = {
  kill: 'process holding payments killed (SIGKILL), restarted by the supervisor',
  'card-network-down': 'card network unreachable (fault flag)',
};

export function faultTable(results: Results): string {
  const rows: string[][] = [];
  for (const fault of Object.keys(FAULT_NAMES) as FaultKind[])
    for (const { architecture, runs } of byArchitecture(
      results.faults.filter((run) => run.fault === fault),
    )) {
      const sum = (pick: (run: FaultRun) => number) => runs.reduce((acc, run) => acc + pick(run), 0);
      rows.push([
        fault,
        architecture,
        [...new Set(runs.map((run) => run.target))].join(', '),
        overRounds(runs.map((run) => run.apiDownS)),
        overRounds(
          runs.map((run) => (run.clearedAtS === null ? null : round1(run.clearedAtS - run.injectedAtS))),
        ),
        `${sum((run) => run.summary.acceptedInWindow)} / ${sum((run) => run.summary.failedInWindow)}`,
        overRounds(
          runs.map((run) => run.summary.settleGapS),
          0,
        ),
        `${sum((run) => run.summary.settled)} / ${sum((run) => run.summary.accepted)}, ${sum((run) => run.summary.timedOut)} timed out`,
        overRounds(
          runs.map((run) => run.summary.settleP99Ms),
          0,
        ),
        overRounds(
          runs.map((run) => run.summary.settleMaxMs),
          0,
        ),
      ]);
    }
  return markdownTable(
    [
      'fault',
      'architecture',
      'what failed',
      'API down (s)',
      'restarted / flag off after (s)',
      'POSTs accepted / failed in the window',
      'settle gap (s)',
      'settled / accepted',
      'settle p99 (ms)',
      'settle max (ms)',
    ],
    rows,
  );
}

/** The whole report.md. */
export function reportMarkdown(results: Results, charts: readonly string[]): string {
  const rounds = Math.max(
    0,
    ...results.browse.map((run) => run.round),
    ...results.checkout.map((run) => run.round),
  );
  const settings = Object.entries(results.settings)
    .map(([name, value]) => `${name} ${JSON.stringify(value)}`)
    .join('; ');
  return [
    `# Microservices vs monolith, measured ${results.measuredAt.slice(0, 16)}Z`,
    '',
    `${describeMachine(results.machine)}; at the end ${results.loadAverageAtEnd.join(' / ')}.`,
    `${rounds} round(s), the architectures alternated per scenario; figures are medians over the rounds, ranges in brackets.`,
    `Settings: ${settings}.`,
    '',
    '## Browse step test',
    '',
    browseTable(results),
    '',
    '## Checkouts at fixed rates',
    '',
    checkoutTable(results),
    '',
    idleStackNote(results),
    '',
    '## Memory and processes at rest',
    '',
    memoryTable(results),
    '',
    '## Faults',
    '',
    faultTable(results),
    '',
    ...FAULT_NOTES,
    '',
    '## Charts',
    '',
    ...charts.map((chart) => `![${chart}](${chart})`),
    '',
  ].join('\n');
}

/** Both stacks stay up during a round: what the idle one took while the other was measured. */
export function idleStackNote(results: Results): string {
  const parts = byArchitecture(results.checkout).map(
    ({ architecture, runs }) =>
      `${overRounds(runs.map((run) => run.resources.idleStackCpuPercent))}% of a core while ${architecture} ran`,
  );
  return `Both stacks stay up during a round; the idle one took ${parts.join(', ')}.`;
}

const FAULT_NOTES = [
  `- kill: ${FAULT_NAMES.kill}. card-network-down: ${FAULT_NAMES['card-network-down']}.`,
  '- API down: time the public /healthz gave no 200 (a probe every 200 ms). Restarted / flag off after: from the',
  '  kill to the supervisor starting the new process (which then still has to start up), or from flag on to off.',
  '- The window: from the injection to the end of the longest settle gap after it (seconds in which no order',
  '  settled while some were pending). POSTs failed = any answer other than 202, or none.',
];
