package dev.lumen.app.cli;

import dev.lumen.app.service.ErrorMessages;
import dev.lumen.core.LumenException;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code lumen} command: subcommands for every job, usage when called alone. */
@Command(name = "lumen", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Explains what convolutional networks see in medical images.",
    subcommands = {DemoCommand.class, DemoDataCommand.class, InspectCommand.class, PredictCommand.class,
        ExplainCommand.class, MethodsCommand.class, ExportCommand.class, EvaluateCommand.class,
        EvaluateMrnetCommand.class, TrainHeadCommand.class, BenchCommand.class, BenchFilesCommand.class,
        ServeCommand.class, ConvertCommand.class, BatchCommand.class})
public final class Lumen implements Runnable {
  /** Exit code for images, models or cards Lumen cannot read or use. */
  public static final int EXIT_BAD_INPUT = 3;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line: errors print as one line on stderr (stack trace only with
   * {@code --verbose}) and map to exit codes: 2 usage, 3 unreadable input or unwritable output, 1
   * unexpected; a usage mistake prints one line and where the help is, not the whole usage.
   */
  public static CommandLine commandLine() {
    Lumen root = new Lumen();
    CommandLine cli = new CommandLine(root);
    cli.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("lumen: " + ErrorMessages.of(ex));
      if (root.verbose) {
        ex.printStackTrace(line.getErr());
      }
      return line.getExitCodeExceptionMapper().getExitCode(ex);
    });
    // an estimate that fell short still ends in one line, not a trace: the heap was too small
    cli.setExecutionStrategy(parsed -> {
      try {
        return new CommandLine.RunLast().execute(parsed);
      } catch (OutOfMemoryError e) {
        cli.getErr().println("lumen: " + ErrorMessages.of(e));
        return CommandLine.ExitCode.SOFTWARE;
      }
    });
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine line = ex.getCommandLine();
      line.getErr().println("lumen: " + ex.getMessage() + " (see '" + line.getCommandSpec().qualifiedName()
          + " --help')");
      return CommandLine.ExitCode.USAGE;
    });
    cli.setExitCodeExceptionMapper(ex -> ex instanceof LumenException || ex instanceof IOException ? EXIT_BAD_INPUT
        : ex instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE
        : CommandLine.ExitCode.SOFTWARE);
    return cli;
  }
}
