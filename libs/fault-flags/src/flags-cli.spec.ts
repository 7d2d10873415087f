import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runFlagsCli } from './flags-cli';
import { assertFlagdSchema, listFlags, readFlagsFile } from './flags-file';
import { FAULTS } from './fault-flags';

const REPO_FILE = join(__dirname, '../../../deploy/flags/faults.flagd.json');
const K8S_CONFIG_MAP = join(__dirname, '../../../deploy/k8s/base/fault-flags.yaml');

describe('the fault flags file in the repository', () => {
  it('passes the flagd schema, describes every flag, and has every fault off', () => {
    expect(() => assertFlagdSchema(readFileSync(REPO_FILE, 'utf8'))).not.toThrow();
    const flags = listFlags(readFlagsFile(REPO_FILE));
    expect(flags.map((flag) => flag.name).sort()).toEqual(Object.keys(FAULTS).sort());
    for (const flag of flags) {
      expect(flag.description.length).toBeGreaterThan(20);
      expect(flag.value).toBe(flag.off);
      expect(flag.off).toBe(FAULTS[flag.name as keyof typeof FAULTS]);
    }
  });
});

describe('the fault flags ConfigMap of the Kubernetes manifests', () => {
  it('holds the repository file as it is, so that a cluster starts with the same flags', () => {
    const configMap = parse(readFileSync(K8S_CONFIG_MAP, 'utf8')) as { data: Record<string, string> };
    expect(configMap.data['faults.flagd.json']).toBe(readFileSync(REPO_FILE, 'utf8'));
  });
});

describe('npm run flags', () => {
  let file: string;
  let out: string[];
  let err: string[];
  const run = (...args: string[]) =>
    runFlagsCli(
      args,
      file,
      (line) => out.push(line),
      (line) => err.push(line),
    );

  beforeEach(() => {
    file = join(mkdtempSync(join(tmpdir(), 'flags-cli-')), 'faults.flagd.json');
    copyFileSync(REPO_FILE, file);
    out = [];
    err = [];
  });

  it('lists, sets and resets, keeping the file valid for flagd', () => {
    expect(run('list')).toBe(0);
    expect(out).toHaveLength(Object.keys(FAULTS).length);
    expect(out.every((line) => line.startsWith('off '))).toBe(true);

    expect(run('set', 'card-decline-share', '0.25')).toBe(0);
    expect(run('set', 'card-network-down', 'true')).toBe(0);
    out = [];
    run('list');
    expect(out).toContainEqual(expect.stringMatching(/^ON {2}card-decline-share = 0\.25 /));
    expect(out).toContainEqual(expect.stringMatching(/^ON {2}card-network-down = true /));
    assertFlagdSchema(readFileSync(file, 'utf8'));

    expect(run('set', 'card-network-down', 'false')).toBe(0);
    expect(readFlagsFile(file).flags['card-network-down']?.defaultVariant).toBe('off');

    expect(run('reset')).toBe(0);
    expect(listFlags(readFlagsFile(file)).every((flag) => flag.value === flag.off)).toBe(true);
    expect(err).toEqual([]);
  });

  it.each([
    [['set', 'card-melts', '1'], /unknown flag "card-melts"; the flags are: card-decline-share, /],
    [['set', 'card-network-down', 'yes'], /card-network-down is a boolean: give true or false, not "yes"/],
    [['set', 'card-latency-ms', 'slow'], /card-latency-ms is a number: "slow" is not one/],
    [['set', 'card-decline-share', '1.5'], /card-decline-share must be between 0 and 1, not 1.5/],
    [['set', 'card-latency-ms', '-1'], /card-latency-ms must be between 0 and 60000, not -1/],
    [['set', 'card-network-down', '1'], /card-network-down is a boolean: give true or false, not "1"/],
    [['set', 'smtp-failure-share', ''], /smtp-failure-share is a number: "" is not one/],
    [['set', 'email-poison-share', '2'], /email-poison-share must be between 0 and 1, not 2/],
    [
      ['set', 'email-consumer-delay-ms', '6000'],
      /email-consumer-delay-ms must be between 0 and 5000, not 6000/,
    ],
    [['set', 'email-consumer-delay-ms', 'true'], /email-consumer-delay-ms is a number: "true" is not one/],
  ])('refuses %j with a clear message, leaving the file alone', (args, message) => {
    const before = readFileSync(file, 'utf8');
    expect(run(...args)).toBe(1);
    expect(err).toEqual([expect.stringMatching(message)]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('says what is wrong with a file it cannot use, and changes nothing', () => {
    writeFileSync(file, '{ "flags": ');
    expect(run('set', 'card-decline-share', '0.5')).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^not JSON: /)]);

    const wrongType = readFileSync(REPO_FILE, 'utf8').replace('"off": false', '"off": 0');
    writeFileSync(file, wrongType);
    expect(run('list')).toBe(1);
    expect(err[1]).toBe('card-network-down: "off" (0) is not a boolean');
    expect(readFileSync(file, 'utf8')).toBe(wrongType);
  });

  it('says so in words when the file is missing, and names the variable that points at another one', () => {
    const missing = join(file, '..', 'no-such-flags.json');
    const lines: string[] = [];
    expect(
      runFlagsCli(
        ['list'],
        missing,
        () => undefined,
        (line) => lines.push(line),
      ),
    ).toBe(1);
    expect(lines).toEqual([`${missing}: no such file (FLAGS_FILE names the flags file to edit)`]);
  });

  it('answers an unknown command with its usage', () => {
    expect(run('flip')).toBe(2);
    expect(err[0]).toMatch(/usage: npm run flags/);
  });
});
