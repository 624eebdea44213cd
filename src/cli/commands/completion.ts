// samsa completion bash|zsh: prints a completion script (placeholder until written).
import type { Command } from '../command.js';

export function completionCommand(_all: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash or zsh)',
    usage: ['samsa completion bash|zsh'],
    description: '',
    positionals: true,
    flags: [],
    examples: [],
    async run() {
      return 0;
    },
  };
}
