import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, USAGE } from './cli';

/** The README's "Command line" table: command (first word of the first cell) → the whole row. */
function readmeCommandRows(): Map<string, string> {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Command line'));
  if (!section) throw new Error('README.md has no "Command line" section');
  const rows = section.split('\n').filter((line) => /^\| `/.test(line));
  return new Map(rows.map((row) => [/^\| `([^\s`]+)/.exec(row)![1], row]));
}

/** Each command's line in the usage text (commands start two spaces in; wrapped descriptions further). */
function usageLine(command: string): string | undefined {
  return USAGE.split('\n').find((line) => /^ {2}\S/.test(line) && line.trim().split(/\s+/)[0] === command);
}

describe('the command line as the README tells it', () => {
  const commands = Object.keys(COMMANDS);
  const rows = readmeCommandRows();

  it('lists every command the CLI runs, and no other', () => {
    expect(commands.length).toBeGreaterThan(0);
    expect([...rows.keys()].sort()).toEqual([...commands].sort());
  });

  it.each(commands)('%s: in the usage text, with the same options in the README', (command) => {
    const line = usageLine(command);
    expect(line).toBeDefined();
    const options = line!.match(/--[a-z][a-z-]*/g) ?? [];
    expect(options.filter((option) => !rows.get(command)?.includes(option))).toEqual([]);
  });
});
