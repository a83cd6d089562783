/**
 * A cell made only of `!cmd` lines, blank lines and comments (`//` or `#`)
 * is a shell cell: the commands, in order, or undefined for any other cell.
 */
export function shellCommandsOf(code: string): string[] | undefined {
  const commands: string[] = [];
  for (const rawLine of code.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('#')) continue;
    if (!line.startsWith('!')) return undefined;
    // `!!cmd` (IPython's capturing form) runs the same command here.
    const command = line.replace(/^!+/, '').trim();
    if (command !== '') commands.push(command);
  }
  return commands.length > 0 ? commands : undefined;
}
