package dev.cacheflush.cli;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line as a function from arguments to an exit code. Every known failure becomes one
 * line on stderr and its documented exit code; a stack trace only with --verbose.
 */
public final class Cli {
  private Cli() {}

  public static int run(CliContext context, String... args) {
    CommandLine cli =
        commandLine(context)
            .setOut(context.out())
            .setErr(context.err())
            .setParameterExceptionHandler(parameterErrors(context))
            .setExecutionExceptionHandler(executionErrors(context));
    int code = cli.execute(args);
    context.out().flush();
    context.err().flush();
    return code;
  }

  /** The commands and their options: what runs, and what the shell completion and man pages are made from. */
  public static CommandLine commandLine(CliContext context) {
    return new CommandLine(new CacheflushCommand(context))
        .addSubcommand(new PlanCommand(context))
        .addSubcommand(new FlushCommand(context))
        .addSubcommand(new WatchCommand(context))
        .addSubcommand(new GateCommand(context))
        .addSubcommand(new DashboardCommand(context))
        .addSubcommand(new AclCommand(context))
        .addSubcommand(new AuditCheckCommand(context))
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  private static IParameterExceptionHandler parameterErrors(CliContext context) {
    return (ParameterException e, String[] args) -> {
      CommandLine command = e.getCommandLine();
      String message = e.getMessage();
      if (e instanceof UnmatchedArgumentException unmatched
          && !unmatched.getSuggestions().isEmpty()) {
        message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
      }
      if (e.getCause() instanceof CacheflushException cause) {
        message = cause.getMessage();
      }
      context
          .err()
          .println(
              "cacheflush: "
                  + message
                  + " (see '"
                  + command.getCommandSpec().qualifiedName()
                  + " --help')");
      return ExitCode.USAGE;
    };
  }

  private static IExecutionExceptionHandler executionErrors(CliContext context) {
    return (Exception e, CommandLine command, ParseResult parsed) -> {
      boolean verbose =
          command.getCommandSpec().mixins().values().stream()
              .anyMatch(
                  mixin -> mixin.userObject() instanceof OutputOptions output && output.verbose);
      if (verbose) {
        e.printStackTrace(context.err());
      }
      if (e instanceof CacheflushException known) {
        context.err().println("cacheflush: " + known.getMessage());
        return known.exitCode();
      }
      context
          .err()
          .println(
              "cacheflush: unexpected error: "
                  + e
                  + (verbose ? "" : " (run again with --verbose for the details)"));
      return ExitCode.FAILED;
    };
  }
}
