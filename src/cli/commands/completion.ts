// samsa completion bash|zsh: a shell completion script generated from the commands' own flag
// declarations, so it never drifts from what the parser accepts. It completes commands, each
// command's flags, file names for file flags, fixed choices (--entity-type, --time, --output),
// topic config names for --config / --add-config, and topic names for --topic by asking the
// broker named on the command line (samsa topics --list, two seconds at most).
import { TOPIC_CONFIG_NAMES } from '../../config/index.js';
import { UsageError, type FlagSpec } from '../args.js';
import { HELP_FLAGS, type Command } from '../command.js';

const SHELLS = ['bash', 'zsh'] as const;

/** What to complete after `flag`: a shell snippet producing words, or null for nothing. */
interface ValueCompletion {
  command: string;
  flag: string;
  kind: 'file' | 'topic' | 'group' | 'words';
  words: readonly string[];
}

function valueCompletions(commands: readonly Command[]): ValueCompletion[] {
  const out: ValueCompletion[] = [];
  for (const c of commands) {
    for (const f of c.flags) {
      if (f.kind === 'boolean') continue;
      const complete = f.complete;
      if (complete === undefined)
        out.push({ command: c.name, flag: f.name, kind: 'words', words: [] });
      else if (typeof complete !== 'string')
        out.push({ command: c.name, flag: f.name, kind: 'words', words: complete });
      else if (complete === 'topic-config') {
        out.push({
          command: c.name,
          flag: f.name,
          kind: 'words',
          words: TOPIC_CONFIG_NAMES.map((n) => `${n}=`),
        });
      } else out.push({ command: c.name, flag: f.name, kind: complete, words: [] });
    }
  }
  return out;
}

function flagWords(c: Command): string[] {
  return [...c.flags, ...HELP_FLAGS].map((f: FlagSpec) => `--${f.name}`);
}

function bashScript(commands: readonly Command[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const cases = valueCompletions(commands).map((v) => {
    const pattern = `${v.command}:--${v.flag}`;
    switch (v.kind) {
      case 'file':
        return `    ${pattern}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
      case 'topic':
        return `    ${pattern}) COMPREPLY=($(compgen -W "$(__samsa_list topics)" -- "$cur")); return ;;`;
      case 'group':
        return `    ${pattern}) COMPREPLY=($(compgen -W "$(__samsa_list groups)" -- "$cur")); return ;;`;
      default:
        return v.words.length === 0
          ? `    ${pattern}) COMPREPLY=(); return ;;`
          : `    ${pattern}) COMPREPLY=($(compgen -W "${v.words.join(' ')}" -- "$cur")); [[ $COMPREPLY == *= ]] && compopt -o nospace; return ;;`;
    }
  });
  const flags = commands.map(
    (c) =>
      `    ${c.name}) COMPREPLY=($(compgen -W "${[...(c.words ?? []), ...flagWords(c)].filter((w, i, a) => a.indexOf(w) === i).join(' ')}" -- "$cur")) ;;`,
  );
  return `# samsa bash completion. Load it with: source <(samsa completion bash)
# or install it: samsa completion bash > /etc/bash_completion.d/samsa
__samsa_list() {
  local args=() i
  for ((i = 2; i < \${#COMP_WORDS[@]} - 1; i++)); do
    case "\${COMP_WORDS[i]}" in
      --bootstrap-server|--command-config) args+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}") ;;
    esac
  done
  if command -v timeout >/dev/null 2>&1; then
    timeout 2 samsa "$1" --list "\${args[@]}" 2>/dev/null
  else
    samsa "$1" --list "\${args[@]}" 2>/dev/null
  fi
}
_samsa() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}"
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${names} help --help --version" -- "$cur"))
    return
  fi
  if [[ $cmd == completion ]]; then
    COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur"))
    return
  fi
  if [[ $cmd == help ]]; then
    COMPREPLY=($(compgen -W "${names}" -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${cases.join('\n')}
  esac
  case "$cmd" in
${flags.join('\n')}
  esac
}
complete -F _samsa samsa
`;
}

function zshScript(commands: readonly Command[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const cases = valueCompletions(commands).map((v) => {
    const pattern = `(${v.command}:--${v.flag})`;
    switch (v.kind) {
      case 'file':
        return `    ${pattern}) _files; return ;;`;
      case 'topic':
        return `    ${pattern}) compadd -- \${(f)"$(_samsa_list topics)"}; return ;;`;
      case 'group':
        return `    ${pattern}) compadd -- \${(f)"$(_samsa_list groups)"}; return ;;`;
      default:
        return v.words.length === 0
          ? `    ${pattern}) return ;;`
          : `    ${pattern}) compadd -S '' -- ${v.words.join(' ')}; return ;;`;
    }
  });
  const flags = commands.map(
    (c) =>
      `    (${c.name}) compadd -- ${[...(c.words ?? []), ...flagWords(c)].filter((w, i, a) => a.indexOf(w) === i).join(' ')} ;;`,
  );
  return `#compdef samsa
# samsa zsh completion. Load it with: source <(samsa completion zsh)   (after compinit)
# or install it as _samsa in a directory on $fpath.
_samsa_list() {
  local -a args
  local i
  for ((i = 3; i < CURRENT; i++)); do
    case "\${words[i]}" in
      (--bootstrap-server|--command-config) args+=("\${words[i]}" "\${words[i+1]}") ;;
    esac
  done
  samsa "$1" --list "\${args[@]}" 2>/dev/null
}
_samsa() {
  local cmd="\${words[2]}" prev="\${words[CURRENT-1]}"
  if (( CURRENT == 2 )); then
    compadd -- ${names} help --help --version
    return
  fi
  case "$cmd" in
    (completion) compadd -- ${SHELLS.join(' ')}; return ;;
    (help) compadd -- ${names}; return ;;
  esac
  case "$cmd:$prev" in
${cases.join('\n')}
  esac
  case "$cmd" in
${flags.join('\n')}
  esac
}
compdef _samsa samsa
`;
}

export function completionCommand(all: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash or zsh)',
    usage: ['samsa completion bash|zsh'],
    description:
      'Prints a script that completes samsa’s commands, flags, files, config names and, asking the\nbroker on the command line, topic names.',
    positionals: true,
    words: SHELLS,
    flags: [],
    examples: [
      'source <(samsa completion bash)                      # this shell',
      'samsa completion bash > /etc/bash_completion.d/samsa # every bash',
      'samsa completion zsh > "${fpath[1]}/_samsa"          # zsh, then restart it',
    ],
    async run({ args, out }) {
      const shell = args.positionals[0];
      if (args.positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh')) {
        throw new UsageError('Name one shell: samsa completion bash, or samsa completion zsh');
      }
      out.write(shell === 'bash' ? bashScript(all()) : zshScript(all()));
      return 0;
    },
  };
}
