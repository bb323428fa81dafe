/*
 * cmd/commands.h - the subcommands of ftkpi. Each takes the arguments after
 * its name (argv[0] is the subcommand's name), prints its own errors and
 * returns the process exit code.
 */
#ifndef FTK_COMMANDS_H
#define FTK_COMMANDS_H

int cmd_validate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_samples(int argc, char **argv);
int cmd_cohort(int argc, char **argv);
int cmd_import(int argc, char **argv);

#endif
