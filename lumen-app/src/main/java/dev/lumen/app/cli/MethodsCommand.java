package dev.lumen.app.cli;

import dev.lumen.app.service.Methods;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lumen methods}: the explanation methods, one line each. */
@Command(name = "methods", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "List the explanation methods `lumen explain --method` takes.")
final class MethodsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int width = Methods.NAMES.stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, String> m : Methods.DESCRIPTIONS.entrySet()) {
      out.printf("%-" + width + "s  %s%n", m.getKey(), m.getValue());
    }
    out.flush();
    return 0;
  }
}
