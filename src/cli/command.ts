/** One `kabuto <name>` command: its line in the help, its usage, and what it does (the exit code). */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}
