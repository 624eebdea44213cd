// Every samsa subcommand, in the order `samsa --help` lists them.
import type { Command } from '../command.js';
import { aclsCommand } from './acls.js';
import { apiVersionsCommand } from './api-versions.js';
import { completionCommand } from './completion.js';
import { deleteRecordsCommand } from './delete-records.js';
import { dumpLogCommand } from './dump-log.js';
import { getOffsetsCommand } from './get-offsets.js';
import { groupsCommand } from './groups.js';
import { configsCommand } from './configs.js';
import { consumeCommand } from './consume.js';
import { perfCommand } from './perf.js';
import { produceCommand } from './produce.js';
import { protocolCommand } from './protocol.js';
import { serverCommand } from './server.js';
import { topicsCommand } from './topics.js';

export const COMMANDS: readonly Command[] = [
  serverCommand,
  topicsCommand,
  configsCommand,
  aclsCommand,
  produceCommand,
  consumeCommand,
  groupsCommand,
  perfCommand,
  getOffsetsCommand,
  deleteRecordsCommand,
  apiVersionsCommand,
  dumpLogCommand,
  protocolCommand,
];

(COMMANDS as Command[]).push(completionCommand(() => COMMANDS));
