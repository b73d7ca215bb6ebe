package dev.lumen.app.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The commands' progress bars: on standard error, so that standard output stays the report. */
final class ProgressBars {
  private ProgressBars() {}

  /** A started bar for {@code task} counting to {@code max}, redrawn while the task runs. */
  static ProgressBar start(String task, long max) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build();
  }
}
